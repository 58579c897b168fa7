import "server-only";
import { createHash } from "node:crypto";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import type { Poster } from "./schema";

/** Comments one person, and one address, may post per minute. */
export const COMMENT_RATE = { perPerson: 6, perAddress: 12 } as const;

/** The per-address key: a hash of the client address (the address itself is not stored). */
export function clientKeyOf(ip: string): string {
  return createHash("sha256").update(`vellum-comment:${ip}`).digest("base64url").slice(0, 22);
}

/**
 * 429 past the per-address or per-person rate, counted inside the posting transaction while it holds a lock per
 * address and per person, so simultaneous posts cannot all count "0 so far". A post that finds the lock taken (the
 * same address or person is posting this very moment) is itself too fast: 429 at once, nothing queues.
 */
export async function assertNotTooFast(tx: Tx, author: Poster, clientKey: string) {
  const keys = [`vellum-comment-address:${clientKey}`, ...(author ? [`vellum-comment-person:${author.id}`] : [])];
  for (const key of keys) {
    const [row] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${key})) AS locked`;
    if (!row?.locked) throw new AppError("rate_limited", "You are already posting a comment; wait a moment and try again");
  }
  const since = new Date(Date.now() - 60_000);
  const byAddress = await tx.comment.count({ where: { clientKey, createdAt: { gt: since } } });
  const byPerson = author ? await tx.comment.count({ where: { authorId: author.id, createdAt: { gt: since } } }) : 0;
  if (byAddress >= COMMENT_RATE.perAddress || byPerson >= COMMENT_RATE.perPerson) {
    throw new AppError("rate_limited", "You are commenting too fast; wait a minute and try again");
  }
}
