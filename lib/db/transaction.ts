import "server-only";
import { db, Prisma } from "./index";

export type Tx = Prisma.TransactionClient;

/**
 * Interactive transactions queue for a pooled connection (maxWait): many simultaneous saves wait, not fail. Once
 * running, a transaction has `timeout` in all; each of its statements has the pool's statement timeout
 * (DATABASE_STATEMENT_TIMEOUT_MS), so no request holds a connection for long, whatever its input.
 */
const TX_OPTIONS = { maxWait: 30_000, timeout: 10_000 } as const;

/**
 * Run `fn` in a transaction, again when PostgreSQL ends it for a deadlock or a serialization failure (possible,
 * rarely, when two changes lock the same rows in different orders), at most three times.
 */
export async function inTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db().$transaction(fn, TX_OPTIONS);
    } catch (e) {
      if (attempt >= 3 || !isRetryable(e)) throw e;
    }
  }
}

type DbError = { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } };

/** PostgreSQL's error code, whether the error came through Prisma's adapter or straight from pg. */
function sqlState(e: unknown): string | undefined {
  const err = e as DbError;
  return err?.meta?.driverAdapterError?.cause?.originalCode ?? (typeof err?.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : undefined);
}

function isRetryable(e: unknown): boolean {
  const err = e as DbError;
  const state = sqlState(e);
  return (
    err?.code === "P2034" ||
    err?.meta?.driverAdapterError?.cause?.kind === "TransactionWriteConflict" ||
    state === "40P01" ||
    state === "40001" ||
    /deadlock detected/.test(err?.message ?? "")
  );
}

/**
 * Did the database give up on this work for taking too long: a statement past its timeout (57014), or an
 * interactive transaction past its own (Prisma's P2028)? The request then answers 503, never a 500.
 */
export function isTimeout(e: unknown): boolean {
  const err = e as DbError;
  return sqlState(e) === "57014" || err?.code === "P2028" || /expired transaction|statement timeout/i.test(err?.message ?? "");
}
