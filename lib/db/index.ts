import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";
import { getConfig } from "@/lib/config";

export { Prisma } from "./generated/client.ts";
export type { Role } from "./generated/client.ts";

const globalForDb = globalThis as unknown as { vellumDb?: PrismaClient; vellumPool?: pg.Pool; vellumSearchPool?: pg.Pool };

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
  return new pg.Pool({
    connectionString: config.DATABASE_URL,
    max,
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: 30_000,
    ...options,
  });
}

/** The Prisma client, created on first use (module import must not connect: `next build` imports routes). */
export function db(): PrismaClient {
  globalForDb.vellumDb ??= new PrismaClient({ adapter: new PrismaPg(sqlPool()) });
  return globalForDb.vellumDb;
}

/** Is this a unique-constraint violation (Prisma's P2002, or PostgreSQL's 23505 through the adapter)? */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  return err?.code === "P2002" || err?.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation";
}

/** End the search pool, if one was opened (tests and scripts that must let their process exit). */
export async function closeSearchPool(): Promise<void> {
  const pool = globalForDb.vellumSearchPool;
  globalForDb.vellumSearchPool = undefined;
  await pool?.end();
}
