import "server-only";
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { db, isUniqueViolation } from "@/lib/db";
import type { Role } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { hashPassword, needsRehash, verifyPassword } from "./passwords";
import { isLoopback } from "@/lib/http/client-address";
import { usernameKey } from "./normal-forms";
import { inTransaction, type Tx } from "@/lib/db/transaction";

/** What a username may be: 3-32 of `A-Z a-z 0-9 _ -` (sign-up, and the names imports give their authors). */
export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, "3-32 characters: letters, digits, _ and -");

/** A name in the username alphabet: spaces as `_`, accents dropped, anything else left out (may still be invalid). */
export function plainName(name: string): string {
  return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, "_").replace(/[^A-Za-z0-9_-]/g, "");
}

/**
 * A free username for someone who did not choose one (an imported author, a person from the organisation's
 * sign-in): their name in the username alphabet, or, when that is not a valid name or an account holds it already,
 * `<prefix><name>` with a number if needed. Never an existing account's name: nobody is merged into someone else.
 */
export async function freeUsername(tx: Tx, name: string, prefix: string): Promise<string> {
  const plain = plainName(name).slice(0, 32);
  const taken = async (u: string) => (await tx.user.count({ where: { usernameKey: usernameKey(u) } })) > 0;
  if (usernameSchema.safeParse(plain).success && !(await taken(plain))) return plain;
  const base = `${prefix}${plain || "user"}`.slice(0, 28).padEnd(3, "_");
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await taken(candidate))) return candidate;
  }
}

export const signUpSchema = z
  .object({
    username: usernameSchema,
    email: z.string().trim().max(254).email(),
    password: z.string().min(10, "at least 10 characters").max(1024),
    /** The one-time setup code `npm start` prints: makes the first account an admin from anywhere. */
    setupCode: z.string().max(200).optional(),
  })
  .strict();

export type SignUpInput = z.infer<typeof signUpSchema>;

/** What the rest of the app knows about a person. */
export type PublicUser = { username: string; displayName: string; role: Role };

/** Does the setup code match the one this installation was started with (constant time)? */
function isSetupCode(code: string | undefined): boolean {
  const expected = getConfig().VELLUM_SETUP_CODE;
  if (!code || !expected) return false;
  const a = Buffer.from(code);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Create an account. While the wiki has no administrator, an account created from the machine itself (a loopback
 * client address, as the HTTP front reports it) or with the setup code becomes one; every other account is an
 * editor. So a fresh wiki on a public address cannot be taken by the first passer-by, and its owner can still
 * claim it after a stranger signed up first. The check and the insert run under one lock so two simultaneous
 * sign-ups cannot both become admin. The address is unverified until its owner follows the link we mail
 * (lib/auth/verification.ts).
 */
export async function createAccount(input: SignUpInput, { clientIp }: { clientIp: string }): Promise<PublicUser & { id: string; email: string }> {
  const passwordHash = await hashPassword(input.password);
  const mayBecomeAdmin = isLoopback(clientIp) || isSetupCode(input.setupCode);
  try {
    return await inTransaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7465001)`;
      const admin = await tx.user.findFirst({ where: { role: "admin" }, select: { id: true } });
      return tx.user.create({
        data: {
          username: input.username,
          usernameKey: usernameKey(input.username),
          email: input.email.toLowerCase(),
          displayName: input.username,
          passwordHash,
          role: !admin && mayBecomeAdmin ? "admin" : "editor",
        },
        select: { id: true, email: true, username: true, displayName: true, role: true },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "That username or email is already taken");
    throw e;
  }
}

/** Does the wiki have no administrator yet (the sign-up page then offers the setup code field)? */
export async function hasNoAdmin(): Promise<boolean> {
  return (await db().user.findFirst({ where: { role: "admin" }, select: { id: true } })) === null;
}

/**
 * Check a username and password; returns the user or null (same timing either way). A hash made with older,
 * weaker parameters is replaced by today's while we hold the password.
 */
export async function checkCredentials(username: string, password: string) {
  const user = await db().user.findUnique({
    where: { usernameKey: usernameKey(username) },
    select: { id: true, username: true, displayName: true, role: true, blocked: true, passwordHash: true },
  });
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok) return null;
  if (user.passwordHash && needsRehash(user.passwordHash)) {
    const passwordHash = await hashPassword(password);
    await db().user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
  }
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, blocked: user.blocked };
}

/**
 * The owner of an address proved it by a magic link, on an account whose address was never verified: whoever
 * created the account may not have been them, so its password and access tokens stop working.
 */
export async function claimAccountByEmail(email: string): Promise<void> {
  await inTransaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, emailVerified: true } });
    if (!user || user.emailVerified) return;
    // whoever created the account loses it: no password, no tokens, no sessions (decision 0018)
    await tx.user.update({ where: { id: user.id }, data: { passwordHash: null, sessionGeneration: { increment: 1 } } });
    await tx.apiToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
  });
}

/** What authorisation needs to know of a person, read fresh on every request (roles and blocks change). */
export const actorSelect = { id: true, username: true, displayName: true, role: true, blocked: true, emailVerified: true, sessionGeneration: true } as const;

/** The current state of a signed-in user (roles can change after the session was issued). */
export async function findUserById(id: string) {
  return db().user.findUnique({ where: { id }, select: actorSelect });
}

/** The generation a new session of this person is issued in (see endSessions). */
export async function sessionGenerationOf(id: string): Promise<number | null> {
  const user = await db().user.findUnique({ where: { id }, select: { sessionGeneration: true } });
  return user?.sessionGeneration ?? null;
}

/**
 * End every session this person has (sign-out; decision 0018): sessions are JWTs that carry the generation they
 * were issued in, and a session of an older generation is refused wherever the user is loaded.
 */
export async function endSessions(id: string): Promise<void> {
  await db().user.updateMany({ where: { id }, data: { sessionGeneration: { increment: 1 } } });
}
