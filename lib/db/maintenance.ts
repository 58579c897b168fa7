import "server-only";
import { db } from "./index";

const EVERY_MS = 10 * 60 * 1000;
let last = 0;

/**
 * Delete rows that only ever grow and are useless once old: expired magic-link tokens (requests for unknown
 * addresses leave some), sign-in failures past the rate-limit window, and spelling-dictionary words no page uses
 * any more. At most every ten minutes per process.
 */
export async function pruneExpiredRows(): Promise<void> {
  if (Date.now() - last < EVERY_MS) return;
  last = Date.now();
  await db().$executeRaw`DELETE FROM verification_tokens WHERE expires < now()`;
  await db().$executeRaw`DELETE FROM sign_in_failures WHERE created_at < now() - interval '1 day'`;
  // words of the spelling dictionary no page uses any more (a word's row comes back with its next use)
  await db().$executeRaw`DELETE FROM search_words WHERE pages <= 0`;
}
