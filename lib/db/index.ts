import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";
import { getConfig } from "@/lib/config";

export { Prisma } from "./generated/client.ts";
export type { Role } from "./generated/client.ts";

const globalForDb = globalThis as unknown as { vellumDb?: PrismaClient; vellumPool?: pg.Pool };

/** The connection pool Prisma runs on, created on first use. */
export function sqlPool(): pg.Pool {
  if (!globalForDb.vellumPool) {
    const config = getConfig();
    globalForDb.vellumPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  }
  return globalForDb.vellumPool;
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
