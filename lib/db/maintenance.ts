import "server-only";
import { db } from "./index";
import { prunePurges } from "@/lib/cache/cdn";

const EVERY_MS = 10 * 60 * 1000;
let last = 0;

/**
 * Delete rows that only ever grow and are useless once old: expired magic-link tokens (requests for unknown
 * addresses leave some), sign-in failures past the rate-limit window, spelling-dictionary words no page uses
 * any more, chunks of uploads cut off before their blob row was written, and the leases of instances that stopped
 * without giving theirs back, and purges queued with no shared cache to send them to. At most every ten minutes per process.
 */
export async function pruneExpiredRows(): Promise<void> {
  if (Date.now() - last < EVERY_MS) return;
  last = Date.now();
  await db().$executeRaw`DELETE FROM verification_tokens WHERE expires < now()`;
  await db().$executeRaw`DELETE FROM sign_in_failures WHERE created_at < now() - interval '1 day'`;
  // words of the spelling dictionary no page uses any more (a word's row comes back with its next use)
  await db().$executeRaw`DELETE FROM search_words WHERE pages <= 0`;
  // an upload whose instance died between its chunks and its blob row (a day old: never one still being copied)
  await db().$executeRaw`
    DELETE FROM blob_chunks c WHERE c.created_at < now() - interval '1 day'
      AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = c.sha256)`;
  await db().$executeRaw`DELETE FROM instances WHERE lease_until < now() - interval '1 minute'`;
  // purges queued while no shared cache is configured (lib/cache/cdn.ts)
  await prunePurges();
}
