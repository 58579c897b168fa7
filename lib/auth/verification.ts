import "server-only";
import { siteBase } from "@/lib/http/site";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { enqueueMail } from "@/lib/mail/outbox";
import { wakeMailWorker } from "@/lib/mail/worker";
import { isRateLimited, recordFailure } from "./rate-limit";
import { hashToken } from "./tokens";
import { isPlaceholderEmail } from "./normal-forms";
import { inTransaction } from "@/lib/db/transaction";

/**
 * Email verification: an address gets change mail and digests only once its owner has shown they read it, by
 * following a link we mailed there (or a magic sign-in link, which proves the same). Anyone can type anyone's
 * address at sign-up; without this, the wiki would mail a stranger about every change.
 */

/** How long a verification link works. */
const LINK_HOURS = 24;

export const verifyEmailSchema = z.object({ token: z.string().min(10).max(200) }).strict();

/**
 * Mail a verification link to the person's current address, through the outbox. Limited per address (a few per
 * quarter hour, 429), so nobody can use the wiki to flood an inbox. Nothing is sent for an address already verified.
 */
export async function sendVerificationLink(userId: string): Promise<{ sent: boolean }> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { email: true, emailVerified: true } });
  if (!user) throw new AppError("not_found", "No such account");
  if (user.emailVerified) return { sent: false };
  if (isPlaceholderEmail(user.email)) throw new AppError("bad_request", "Your account has no address to confirm");
  const key = `verify:${user.email}`;
  if (await isRateLimited([key])) throw new AppError("rate_limited", "A verification link was sent recently; check your mail or try later");
  await recordFailure([key]);
  const token = randomBytes(32).toString("base64url");
  const base = siteBase();
  const link = `${base}/verify-email?token=${token}`;
  await inTransaction(async (tx) => {
    await tx.emailVerification.create({
      data: { tokenHash: hashToken(token), userId, email: user.email, expires: new Date(Date.now() + LINK_HOURS * 3600_000) },
    });
    await enqueueMail(tx, [
      {
        kind: "verify",
        to: user.email,
        subject: "Confirm your address for Vellum",
        text:
          `Open this link to confirm that this address is yours:\n\n${link}\n\n` +
          `Until you do, Vellum sends it no change emails. The link works for ${LINK_HOURS} hours. ` +
          "If you did not create an account, ignore this message.",
      },
    ]);
  });
  if (!getConfig().SMTP_URL) console.log(`[vellum] verification link for ${user.email}: ${link}`);
  wakeMailWorker();
  return { sent: true };
}

/**
 * Follow a verification link: the address it was sent to becomes verified, if it is still the account's address
 * and the link has not expired. Single use. Returns the account's username.
 */
export async function verifyEmail(token: string): Promise<{ username: string; email: string }> {
  return inTransaction(async (tx) => {
    const row = await tx.emailVerification.findUnique({
      where: { tokenHash: hashToken(token) },
      select: { userId: true, email: true, expires: true, user: { select: { username: true, email: true } } },
    });
    if (!row || row.expires.getTime() < Date.now() || row.user.email !== row.email) {
      throw new AppError("not_found", "This link is unknown, used or expired: ask for a new one in Settings");
    }
    await tx.user.update({ where: { id: row.userId }, data: { emailVerified: new Date() } });
    await tx.emailVerification.deleteMany({ where: { userId: row.userId } });
    return { username: row.user.username, email: row.email };
  });
}
