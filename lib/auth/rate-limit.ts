import "server-only";
import { db } from "@/lib/db";

/**
 * Sign-in rate limits, shared by every instance (PostgreSQL). The policy lives here; the next-auth route only
 * turns "limited" into a 429.
 */

/** Attempts counted over this window. */
export const WINDOW_MINUTES = 15;
/** Limits per key kind within the window. */
export const LIMITS = { user: 5, ip: 30, email: 5, verify: 3, linkip: 20 } as const;

type Kind = keyof typeof LIMITS;

/**
 * The header in which the HTTP front (scripts/serve.mjs) hands the app the client's address: the socket's peer, or
 * with TRUST_PROXY=n the address the n-th trusted proxy reports. The front always overwrites it, so a client
 * cannot choose it; X-Forwarded-For itself is never read here.
 */
export const CLIENT_IP_HEADER = "x-vellum-client-ip";

/** The client's address as the front determined it; "unknown" when the app runs without the front. */
export function clientIp(headers: Headers | Record<string, string | string[] | undefined>): string {
  const value = headers instanceof Headers ? headers.get(CLIENT_IP_HEADER) : headers[CLIENT_IP_HEADER];
  const ip = Array.isArray(value) ? value[0] : value;
  return ip && ip.length <= 64 ? ip : "unknown";
}

/** Is this address the machine itself (IPv4 127/8, IPv6 ::1, or IPv4-mapped loopback)? */
export function isLoopback(ip: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === "::1" || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(ip);
}

/** A username as the limiter counts it: the account's key (case-insensitive), bounded in length. */
export function usernameKey(username: string): string {
  return username.normalize("NFKC").trim().toLowerCase().slice(0, 64);
}

/**
 * An email address in the one form every part of sign-in uses: NFKC, trimmed, lower case, exactly one @, a dotted
 * domain, and nothing a mailer might read as a second address or a display name (commas, quotes, angle brackets,
 * spaces, control characters). Null when the value is not such an address. Also next-auth's normalizeIdentifier,
 * so the address limited is the address mailed.
 */
export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 254) return null;
  const email = value.normalize("NFKC").trim().toLowerCase();
  if (!/^[^@\s",;<>()[\]\\\u0000-\u001f\u007f]+@[^@\s",;<>()[\]\\\u0000-\u001f\u007f]+\.[^@\s",;<>()[\]\\\u0000-\u001f\u007f]+$/.test(email)) {
    return null;
  }
  return email;
}

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
