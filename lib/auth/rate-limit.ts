import "server-only";
import { db } from "@/lib/db";
import { normalizeEmail, usernameKey } from "./normal-forms";

/**
 * Sign-in rate limits, shared by every instance (PostgreSQL). The policy lives here; the next-auth route only
 * turns "limited" into a 429.
 */

/** Attempts counted over this window. */
export const WINDOW_MINUTES = 15;
/** Limits per key kind within the window. */
export const LIMITS = { user: 5, ip: 30, email: 5, verify: 3, linkip: 20 } as const;

type Kind = keyof typeof LIMITS;

/** Is any of these keys over its limit? Keys look like "user:alice", "ip:10.0.0.1", "email:a@b.c". */
export async function isRateLimited(keys: string[]): Promise<boolean> {
  const rows = await db().$queryRaw<{ key: string; n: number }[]>`
    SELECT key, count(*)::int AS n FROM sign_in_failures
    WHERE key = ANY(${keys}) AND created_at > now() - make_interval(mins => ${WINDOW_MINUTES})
    GROUP BY key`;
  return rows.some((r) => r.n >= (LIMITS[r.key.split(":")[0] as Kind] ?? Infinity));
}

/** Count one failure (or, for email sign-in and verification mails, one request) against each key. */
export async function recordFailure(keys: string[]): Promise<void> {
  await db().signInFailure.createMany({ data: keys.map((key) => ({ key })) });
}

/** The message a credentials check throws when limited; the next-auth route answers it with 429. */
export const RATE_LIMITED = "RateLimited";

/**
 * The limit on password sign-in, checked inside the credentials check whatever the body's format: refuses before
 * the password is even compared once the account or the address has too many recent failures.
 */
export async function assertSignInAllowed(username: string, ip: string): Promise<string[]> {
  const keys = [`user:${usernameKey(username)}`, `ip:${ip}`];
  if (await isRateLimited(keys)) throw new Error(RATE_LIMITED);
  return keys;
}

/**
 * The limit on magic-link requests: per normalised address and per client address. Every request counts against
 * both, successful or not, so nobody can make the wiki mail one inbox more than LIMITS.email times, nor one
 * client make it mail more than LIMITS.linkip inboxes, in the window.
 */
export async function allowSignInLinkRequest(email: unknown, ip: string): Promise<boolean> {
  const normalized = normalizeEmail(email);
  const keys = normalized ? [`email:${normalized}`, `linkip:${ip}`] : [`linkip:${ip}`];
  if (await isRateLimited(keys)) return false;
  await recordFailure(keys);
  return true;
}
