import "server-only";
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type pg from "pg";
import { AppError } from "@/lib/errors";

// The backup file's format (decision 0024), which backup.ts writes and restore.ts reads: one gzip file of JSON
// lines, a header, each table's rows with a count and an order-free hash, and a manifest with the SHA-256 of
// everything before it; the session settings that make the same rows the same text; reading and checking a file.

export const FORMAT = "vellum-backup";
export const VERSION = 1;
/**
 * Not backed up: the migration runner's own record, the leases of running processes, purges queued for shared
 * caches (the restore's own writes queue the purges its caches need) and the access epoch (a counter that names
 * audiences for caches: the restore's own writes of groups and spaces move it on).
 */
export const SKIPPED_TABLES = new Set(["_prisma_migrations", "instances", "cdn_purges", "access_epoch"]);
/** Bytes of rows fetched, or inserted, per statement (rows vary from a few bytes to a file's 256 KiB chunk). */
export const BATCH_BYTES = 8 * 1024 * 1024;

export type TableSum = { rows: number; hash: string };
export type Header = { format: string; version: number; createdAt: string; migrations: string[]; tables: string[] };
export type Manifest = { manifest: Record<string, TableSum>; sha256: string };

/** Text forms that must not depend on the server's settings, so the same rows always read as the same JSON. */
export async function fixSession(client: pg.PoolClient) {
  await client.query("SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'; SET bytea_output = 'hex'; SET extra_float_digits = 3");
}

/** An order-free sum of rows (SHA-256 of each, added modulo 2^256): the same rows in any order give the same. */
export class RowSum {
  private sum = 0n;
  rows = 0;
  add(line: string) {
    this.sum = (this.sum + BigInt(`0x${createHash("sha256").update(line).digest("hex")}`)) % 2n ** 256n;
    this.rows++;
  }
  get hash() {
    return this.sum.toString(16).padStart(64, "0");
  }
}

export async function tablesOf(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
  );
  return rows.map((r) => r.name).filter((t) => !SKIPPED_TABLES.has(t));
}

export const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function migrationsOf(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
  );
  return rows.map((r) => r.name);
}

/**
 * The lines of a backup file: its header, then each table's rows (read in order), then its manifest. Throws a
 * 400 AppError when the file is not a whole, unaltered backup: not gzip, cut short, or any byte changed.
 */
export async function* readBackup(file: string): AsyncGenerator<{ header: Header } | { table: string } | { row: string } | { manifest: Manifest }> {
  const gunzip = createGunzip();
  const input = createReadStream(file).on("error", (e) => gunzip.destroy(e)).pipe(gunzip);
  const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const whole = createHash("sha256");
  const next = async (): Promise<string | null> => {
    try {
      const r = await lines.next();
      return r.done ? null : r.value;
    } catch (e) {
      throw new AppError("bad_request", `This is not a whole Vellum backup (${(e as Error).message})`);
    }
  };
  const first = await next();
  let header: Header;
  try {
    header = JSON.parse(first ?? "null") as Header;
  } catch {
    header = null as unknown as Header;
  }
  if (header?.format !== FORMAT || header.version !== VERSION) throw new AppError("bad_request", "This file is not a Vellum backup (version 1)");
  whole.update(first + "\n");
  yield { header };
  let manifest: Manifest | null = null;
  for (;;) {
    const text = await next();
    if (text === null) break;
    if (manifest) throw new AppError("bad_request", "The backup has data after its manifest: it was altered");
    if (text.startsWith('{"manifest"')) {
      manifest = JSON.parse(text) as Manifest;
      continue;
    }
    whole.update(text + "\n");
    if (text.startsWith('{"table"')) {
      const { table } = JSON.parse(text) as { table: string };
      yield { table };
    } else yield { row: text };
  }
  if (!manifest) throw new AppError("bad_request", "The backup ends before its manifest: it was cut short");
  if (manifest.sha256 !== whole.digest("hex")) throw new AppError("bad_request", "The backup's contents do not match its checksum: it was altered or damaged");
  yield { manifest };
}

/** Read the whole backup and check it (checksum, each table's count and hash). Returns its header and manifest. */
export async function verifyBackup(file: string): Promise<{ header: Header; manifest: Record<string, TableSum> }> {
  let header: Header | null = null;
  const sums = new Map<string, RowSum>();
  let current: RowSum | null = null;
  for await (const item of readBackup(file)) {
    if ("header" in item) header = item.header;
    else if ("table" in item) sums.set(item.table, (current = new RowSum()));
    else if ("row" in item) {
      if (!current) throw new AppError("bad_request", "The backup has rows outside any table: it was altered");
      current.add(item.row);
    } else {
      for (const [table, sum] of sums) {
        const want = item.manifest.manifest[table];
        if (!want || want.rows !== sum.rows || want.hash !== sum.hash) {
          throw new AppError("bad_request", `The backup's table ${table} does not match its manifest: it was altered`);
        }
      }
      if (Object.keys(item.manifest.manifest).length !== sums.size) throw new AppError("bad_request", "The backup's manifest names tables it does not hold");
      return { header: header!, manifest: item.manifest.manifest };
    }
  }
  throw new AppError("bad_request", "The backup ends before its manifest");
}

/** Every row of `table` as JSON text (row_to_json), a bounded batch at a time, through a cursor in `client`'s transaction. */
export async function* rowsOf(client: pg.PoolClient, table: string): AsyncGenerator<string> {
  const cursor = `c_${table.replace(/\W/g, "_")}`;
  await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${ident(table)} t`);
  let size = 256;
  for (;;) {
    const { rows } = await client.query<{ j: string }>(`FETCH ${size} FROM ${cursor}`);
    if (rows.length === 0) break;
    let bytes = 0;
    for (const r of rows) {
      bytes += r.j.length;
      yield r.j;
    }
    size = bytes > BATCH_BYTES ? Math.max(1, size >> 1) : bytes < BATCH_BYTES / 4 ? Math.min(4096, size * 2) : size;
  }
  await client.query(`CLOSE ${cursor}`);
}
