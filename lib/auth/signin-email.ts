import "server-only";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { enqueueMail } from "@/lib/mail/outbox";
import { wakeMailWorker } from "@/lib/mail/worker";
import { inTransaction } from "@/lib/db/transaction";

/**
 * Send a magic sign-in link, through the outbox like every message. Only to an address that belongs to an
 * account of Vellum's own (one the organisation made signs in only through it: decision 0030) that is not blocked; for any other address nothing is sent, and the caller answers the same either way,
 * so the form does not reveal who has an account. Without SMTP_URL the link is also printed to the server log.
 */
export async function sendSignInLink(email: string, url: string): Promise<void> {
  const user = await db().user.findUnique({ where: { email: email.toLowerCase() }, select: { blocked: true, origin: true } });
  if (!user || user.blocked || user.origin !== "local") return;
  const host = new URL(url).host;
  await inTransaction((tx) =>
    enqueueMail(tx, [
      {
        kind: "signin",
        to: email,
        subject: `Sign in to Vellum (${host})`,
        text: `Open this link to sign in to Vellum:\n\n${url}\n\nIt works once and for 15 minutes. If you did not ask for it, ignore this message.`,
      },
    ]),
  );
  if (!getConfig().SMTP_URL) console.log(`[vellum] sign-in link for ${email}: ${url}`);
  wakeMailWorker();
}
