import "server-only";
import { db } from "@/lib/db";

/** Failures counted over this window. */
const WINDOW_MINUTES = 15;
/** Limits per key kind within the window. */
export const LIMITS = { user: 5, ip: 30, email: 5 } as const;

type Kind = keyof typeof LIMITS;

/** The client's address: the first X-Forwarded-For hop (Next.js sets it from the socket when absent). */
export function clientIp(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "unknown";
}

/** Is any of these keys over its limit? Keys look like "user:alice", "ip:10.0.0.1", "email:a@b.c". */
export async function isRateLimited(keys: string[]): Promise<boolean> {
  const rows = await db().$queryRaw<{ key: string; n: number }[]>`
    SELECT key, count(*)::int AS n FROM sign_in_failures
    WHERE key = ANY(${keys}) AND created_at > now() - make_interval(mins => ${WINDOW_MINUTES})
    GROUP BY key`;
  return rows.some((r) => r.n >= (LIMITS[r.key.split(":")[0] as Kind] ?? Infinity));
}

/** Count one failure (or, for email sign-in, one request) against each key. */
export async function recordFailure(keys: string[]): Promise<void> {
  await db().signInFailure.createMany({ data: keys.map((key) => ({ key })) });
}
