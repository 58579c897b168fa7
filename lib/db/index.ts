import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";
import { getConfig } from "@/lib/config";

export { Prisma } from "./generated/client.ts";
export type { Role } from "./generated/client.ts";

const globalForDb = globalThis as unknown as {
  vellumDb?: PrismaClient;
  vellumPool?: pg.Pool;
  vellumSearchPool?: pg.Pool;
  vellumReplicaDb?: PrismaClient;
  vellumReplicaPool?: pg.Pool;
};

/**
 * The connection pool Prisma runs on, created on first use. Every statement on it has a deadline
 * (DATABASE_STATEMENT_TIMEOUT_MS; PostgreSQL cancels it past that, and the request answers 503), and a
 * connection left idle inside a transaction is closed: whatever a request sends, it cannot hold a connection
 * for long.
 */
export function sqlPool(): pg.Pool {
  globalForDb.vellumPool ??= boundedPool(getConfig().DATABASE_POOL_SIZE);
  return globalForDb.vellumPool;
}

/**
 * A small pool of its own for search (SEARCH_POOL_SIZE connections): however many searches arrive at once, they
 * queue here for at most a few seconds (then 503) and never take the connections that saves and page views need.
 */
export function searchPool(): pg.Pool {
  globalForDb.vellumSearchPool ??= boundedPool(getConfig().SEARCH_POOL_SIZE, { connectionTimeoutMillis: 3000 });
  return globalForDb.vellumSearchPool;
}

/** A pool of `max` connections whose statements have the configured deadline. */
function boundedPool(max: number, options: pg.PoolConfig = {}): pg.Pool {
  const config = getConfig();
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    // a connection that died with its server (a failover) is noticed by the kernel, not only at the next query
    keepAlive: true,
    max,
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: 30_000,
    ...options,
  });
  // an idle connection whose server went away (a restart, a failover) is dropped by the pool, which reports it
  // here: without a listener that report would be an uncaught exception
  pool.on("error", (e) => logPoolError(e));
  return pool;
}

let lastPoolError = 0;
function logPoolError(e: Error) {
  if (Date.now() - lastPoolError < 10_000) return;
  lastPoolError = Date.now();
  console.error("[vellum] database: an idle connection was lost (it is replaced on next use):", e.message);
}

/** The Prisma client, created on first use (module import must not connect: `next build` imports routes). */
export function db(): PrismaClient {
  globalForDb.vellumDb ??= new PrismaClient({ adapter: new PrismaPg(sqlPool()) });
  return globalForDb.vellumDb;
}

/**
 * Reads a standby may answer (docs/decisions/0026-reads-from-the-standby.md): immutable rows (a revision's text,
 * render, diff) and lists (history, recent changes, contributions), never who someone is or what they may do.
 * DATABASE_REPLICA_URL names it: in the reference deployment, the synchronous standby, which has applied every
 * acknowledged commit (synchronous_commit = remote_apply), so the person who just wrote reads their write there
 * too. Without it, the primary's pool.
 */
export function replicaPool(): pg.Pool {
  const url = getConfig().DATABASE_REPLICA_URL;
  if (!url) return sqlPool();
  globalForDb.vellumReplicaPool ??= boundedPool(getConfig().DATABASE_POOL_SIZE, { connectionString: url });
  return globalForDb.vellumReplicaPool;
}

/** Prisma over replicaPool(). */
export function replicaDb(): PrismaClient {
  if (!getConfig().DATABASE_REPLICA_URL) return db();
  globalForDb.vellumReplicaDb ??= new PrismaClient({ adapter: new PrismaPg(replicaPool()) });
  return globalForDb.vellumReplicaDb;
}

/**
 * Where a list may be read now: the standby's clients once it has applied everything the primary had written when
 * asked (so every commit acknowledged before this read began, the reader's own included), else the primary's. A
 * synchronous standby under `remote_apply` has, or is a few milliseconds from it (the primary's position also
 * counts commits still in flight); one Patroni just stopped waiting for (a primary's restart, a failover) may lag
 * while haproxy still sends reads to it, for up to a check interval (decision 0026). So: the primary's WAL
 * position, then the standby's replay position against it, asked again for up to REPLICA_WAIT_MS, then the
 * primary. A node not in recovery (haproxy's read port falls back to the primary) is current by definition.
 */
export async function currentReadClients(): Promise<ReadClients> {
  const primary = primaryClients();
  if (!getConfig().DATABASE_REPLICA_URL) return primary;
  try {
    const at = await sqlPool().query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
    const deadline = Date.now() + REPLICA_WAIT_MS;
    for (;;) {
      const standby = await replicaPool().query<{ current: boolean }>(
        "SELECT NOT pg_is_in_recovery() OR coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS current",
        [at.rows[0]?.lsn],
      );
      if (standby.rows[0]?.current) {
        standbyReadCounters.lists++;
        return { db: replicaDb(), pool: replicaPool() };
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    standbyReadCounters.passedOver++;
  } catch (e) {
    reportReplicaError(e);
  }
  return primary;
}
/** How long a list read waits for the standby to catch up before it goes to the primary. */
const REPLICA_WAIT_MS = 100;

/** One database to read from, through Prisma or in plain SQL. */
type ReadClients = { db: PrismaClient; pool: pg.Pool };
const primaryClients = (): ReadClients => ({ db: db(), pool: sqlPool() });

/**
 * Read a list (or anything a change since could alter) where currentReadClients says; a standby that fails the
 * read, having passed the fence, is read from the primary instead. `read` returns what it found and throws only
 * when the database does: a not-found is decided by the caller.
 */
export async function fromCurrentReplica<T>(read: (clients: ReadClients) => Promise<T>): Promise<T> {
  const clients = await currentReadClients();
  if (clients.pool === sqlPool()) return read(clients);
  try {
    return await read(clients);
  } catch (e) {
    reportReplicaError(e);
    return read(primaryClients());
  }
}

/**
 * Read from the standby first: what it does not have (null), or a standby that fails, is read from the primary.
 * For rows that never change once written, this is always the current answer (lists use fromCurrentReplica).
 */
export async function fromReplica<T>(read: (client: PrismaClient) => Promise<T | null>): Promise<T | null> {
  const replica = replicaDb();
  if (replica === db()) return read(db());
  try {
    const found = await read(replica);
    if (found !== null) return found;
  } catch (e) {
    reportReplicaError(e);
  }
  return read(db());
}

/**
 * This instance's reads meant for the standby, since it started (GET /api/cache/stats): lists read there, lists
 * the fence sent to the primary because the standby had not caught up, and reads the standby failed.
 */
export const standbyReadCounters = { lists: 0, passedOver: 0, failed: 0 };

let lastReplicaError = 0;
function reportReplicaError(e: unknown) {
  standbyReadCounters.failed++;
  if (Date.now() - lastReplicaError < 10_000) return;
  lastReplicaError = Date.now();
  console.error("[vellum] the standby failed a read; reading from the primary:", e instanceof Error ? e.message : e);
}

/** Is this a unique-constraint violation (Prisma's P2002, or PostgreSQL's 23505 through the adapter)? */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return err?.code === "P2002" || err?.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation";
}

/** End the standby's pool, if one was opened (tests that must let their process exit). */
export async function closeReplicaPool(): Promise<void> {
  const client = globalForDb.vellumReplicaDb;
  const pool = globalForDb.vellumReplicaPool;
  globalForDb.vellumReplicaDb = undefined;
  globalForDb.vellumReplicaPool = undefined;
  await client?.$disconnect();
  await pool?.end();
}

/** End the search pool, if one was opened (tests and scripts that must let their process exit). */
export async function closeSearchPool(): Promise<void> {
  const pool = globalForDb.vellumSearchPool;
  globalForDb.vellumSearchPool = undefined;
  await pool?.end();
}
