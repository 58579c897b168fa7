import "server-only";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { createGunzip, createGzip } from "node:zlib";
import type pg from "pg";
import { sqlPool } from "@/lib/db";
import { AppError } from "@/lib/errors";

// Backup and restore (decision 0024): one gzip file of JSON lines holding every table of the wiki, read in one
// REPEATABLE READ snapshot (consistent while the wiki serves and takes edits). Each table's rows carry a count and
// an order-free hash; the file ends with a manifest and the SHA-256 of everything before it. A restore reads the
// whole file once to check it before it writes anything, writes everything in one transaction, and checks the
// counts and hashes of what it wrote before it commits. One file: backup and restore must agree on every byte of the
// format (session settings, row text, the order-free hash), so both sides live beside each other.

const FORMAT = "vellum-backup";
const VERSION = 1;
/**
 * Not backed up: the migration runner's own record, the leases of running processes, and purges queued for
 * shared caches (the restore's own writes queue the purges its caches need).
 */
const SKIPPED_TABLES = new Set(["_prisma_migrations", "instances", "cdn_purges"]);
/** Bytes of rows fetched, or inserted, per statement (rows vary from a few bytes to a file's 256 KiB chunk). */
const BATCH_BYTES = 8 * 1024 * 1024;

type TableSum = { rows: number; hash: string };
type Header = { format: string; version: number; createdAt: string; migrations: string[]; tables: string[] };
type Manifest = { manifest: Record<string, TableSum>; sha256: string };

/** Text forms that must not depend on the server's settings, so the same rows always read as the same JSON. */
async function fixSession(client: pg.PoolClient) {
  await client.query("SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'; SET bytea_output = 'hex'; SET extra_float_digits = 3");
}

/** An order-free sum of rows (SHA-256 of each, added modulo 2^256): the same rows in any order give the same. */
class RowSum {
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

async function tablesOf(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
  );
  return rows.map((r) => r.name).filter((t) => !SKIPPED_TABLES.has(t));
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Every row of `table` as JSON text (row_to_json), a bounded batch at a time, through a cursor in `client`'s transaction. */
async function* rowsOf(client: pg.PoolClient, table: string): AsyncGenerator<string> {
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

async function migrationsOf(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
  );
  return rows.map((r) => r.name);
}

/** Write a backup of everything to `file` (through `file.partial`, renamed when whole). Returns its manifest. */
export async function backup(file: string, onTable?: (table: string, rows: number) => void): Promise<Record<string, TableSum>> {
  const partial = `${file}.partial`;
  // whatever is there (a leftover of any mode, a link planted to be followed) goes: the file is made anew, owner-only,
  // and exclusively, so a link put back in between makes the backup fail rather than write through it
  await rm(partial, { force: true });
  const out = createWriteStream(partial, { flags: "wx", mode: 0o600 });
  await once(out, "open");
  const gzip = createGzip();
  gzip.pipe(out);
  const whole = createHash("sha256");
  const line = async (text: string) => {
    whole.update(text + "\n");
    if (!gzip.write(text + "\n")) await once(gzip, "drain");
  };
  const client = await sqlPool().connect();
  const manifest: Record<string, TableSum> = {};
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    await fixSession(client);
    const tables = await tablesOf(client);
    const header: Header = { format: FORMAT, version: VERSION, createdAt: new Date().toISOString(), migrations: await migrationsOf(client), tables };
    await line(JSON.stringify(header));
    for (const table of tables) {
      await line(JSON.stringify({ table }));
      const sum = new RowSum();
      for await (const row of rowsOf(client, table)) {
        sum.add(row);
        await line(row);
      }
      manifest[table] = { rows: sum.rows, hash: sum.hash };
      onTable?.(table, sum.rows);
    }
    await client.query("COMMIT");
    const trailer: Manifest = { manifest, sha256: whole.digest("hex") };
    gzip.end(JSON.stringify(trailer) + "\n");
    await once(out, "finish");
    await rename(partial, file);
    return manifest;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    gzip.destroy();
    out.destroy();
    await rm(partial, { force: true });
    throw e;
  } finally {
    client.release();
  }
}

/**
 * The lines of a backup file: its header, then each table's rows (read in order), then its manifest. Throws a
 * 400 AppError when the file is not a whole, unaltered backup: not gzip, cut short, or any byte changed.
 */
async function* readBackup(file: string): AsyncGenerator<{ header: Header } | { table: string } | { row: string } | { manifest: Manifest }> {
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

/**
 * Why the wiki is not empty (a restore would mix two wikis), or null: no accounts, comments or files, and no
 * revision but the welcome a fresh wiki starts with.
 */
async function notEmpty(client: pg.PoolClient): Promise<string | null> {
  const { rows } = await client.query<{ users: number; comments: number; blobs: number; revisions: number; pages: number }>(
    `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM comments)::int AS comments,
            (SELECT count(*) FROM blobs)::int AS blobs, (SELECT count(*) FROM pages)::int AS pages,
            (SELECT count(*) FROM revisions r WHERE NOT (r.number = 1 AND r.parent_id IS NULL AND r.author_id IS NULL
              AND r.kind = 'create' AND NOT EXISTS (SELECT 1 FROM imported_revisions i WHERE i.revision_id = r.id)))::int AS revisions`,
  );
  const n = rows[0]!;
  if (n.users + n.comments + n.blobs + n.revisions === 0 && n.pages <= 1) return null;
  return `this wiki is not empty (${n.users} accounts, ${n.revisions} revisions beyond the welcome page, ${n.comments} comments, ${n.blobs} files): restore only into a new wiki`;
}

/**
 * Restore `file` into this (empty) wiki: checked whole first, then written in one transaction, whose counts and
 * hashes are checked against the backup's before it commits. Nothing is written when any check fails.
 */
export async function restore(file: string, onTable?: (table: string, rows: number) => void): Promise<Record<string, TableSum>> {
  const { header, manifest } = await verifyBackup(file);
  const client = await sqlPool().connect();
  try {
    await client.query("BEGIN");
    await fixSession(client);
    // one restore at a time, and no save while it runs: every write path takes a page or title lock after this
    await client.query("LOCK TABLE pages, users IN EXCLUSIVE MODE");
    const problem = await notEmpty(client);
    if (problem) throw new AppError("conflict", problem);
    const have = new Set(await migrationsOf(client));
    const missing = header.migrations.filter((m) => !have.has(m));
    if (missing.length > 0) throw new AppError("conflict", `the backup was made by a newer Vellum (migration ${missing[0]}): upgrade this one first`);
    const tables = await tablesOf(client);
    const unknown = header.tables.filter((t) => !tables.includes(t));
    if (unknown.length > 0) throw new AppError("conflict", `the backup holds tables this Vellum does not have: ${unknown.join(", ")}`);
    await client.query(`TRUNCATE ${tables.map(ident).join(", ")}`);
    // foreign keys checked once everything is in (pages and revisions point at each other)
    const fks = await foreignKeys(client);
    for (const fk of fks) await client.query(`ALTER TABLE ${ident(fk.table)} ALTER CONSTRAINT ${ident(fk.name)} DEFERRABLE INITIALLY DEFERRED`);
    await client.query("SET CONSTRAINTS ALL DEFERRED");
    let table: string | null = null;
    let batch: string[] = [];
    let bytes = 0;
    let count = 0;
    const flush = async () => {
      if (table && batch.length > 0) await insertRows(client, table, batch);
      batch = [];
      bytes = 0;
    };
    for await (const item of readBackup(file)) {
      if ("table" in item) {
        await flush();
        if (table) onTable?.(table, count);
        table = item.table;
        count = 0;
      } else if ("row" in item) {
        batch.push(item.row);
        bytes += item.row.length;
        count++;
        if (bytes >= BATCH_BYTES || batch.length >= 2000) await flush();
      }
    }
    await flush();
    if (table) onTable?.(table, count);
    await client.query("SET CONSTRAINTS ALL IMMEDIATE");
    for (const fk of fks) await client.query(`ALTER TABLE ${ident(fk.table)} ALTER CONSTRAINT ${ident(fk.name)} NOT DEFERRABLE`);
    await resetSequences(client);
    // what was written reads back as what was backed up, table by table
    for (const t of header.tables) {
      const sum = new RowSum();
      for await (const row of rowsOf(client, t)) sum.add(row);
      const want = manifest[t]!;
      if (sum.rows !== want.rows || sum.hash !== want.hash) {
        throw new Error(`restored table ${t} does not match the backup (${sum.rows} rows, ${want.rows} expected): nothing was restored`);
      }
    }
    await client.query("COMMIT");
    return manifest;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Insert rows (row_to_json text) into `table`: only the columns the rows name, so a newer schema's additions take their defaults. */
async function insertRows(client: pg.PoolClient, table: string, rows: string[]) {
  const columns = Object.keys(JSON.parse(rows[0]!) as object);
  const generated = await generatedColumns(client, table);
  const list = columns.filter((c) => !generated.has(c)).map(ident).join(", ");
  await client.query(
    `INSERT INTO ${ident(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${ident(table)}, $1::json)`,
    [`[${rows.join(",")}]`],
  );
}

const generatedCache = new Map<string, Set<string>>();
async function generatedColumns(client: pg.PoolClient, table: string): Promise<Set<string>> {
  let cols = generatedCache.get(table);
  if (!cols) {
    const { rows } = await client.query<{ c: string }>(
      "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'ALWAYS'",
      [table],
    );
    generatedCache.set(table, (cols = new Set(rows.map((r) => r.c))));
  }
  return cols;
}

async function foreignKeys(client: pg.PoolClient): Promise<{ table: string; name: string }[]> {
  const { rows } = await client.query<{ table: string; name: string }>(
    `SELECT c.conrelid::regclass::text AS table, c.conname AS name FROM pg_constraint c
     JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  return rows.map((r) => ({ table: r.table.replace(/^"|"$/g, ""), name: r.name }));
}

/** Every serial column's sequence continues after the largest restored value. */
async function resetSequences(client: pg.PoolClient) {
  const { rows } = await client.query<{ t: string; c: string; seq: string }>(
    `SELECT table_name AS t, column_name AS c, pg_get_serial_sequence(quote_ident(table_name), column_name) AS seq
     FROM information_schema.columns WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'`,
  );
  for (const r of rows) {
    if (!r.seq) continue;
    await client.query(`SELECT setval($1, coalesce((SELECT max(${ident(r.c)}) FROM ${ident(r.t)}), 0) + 1, false)`, [r.seq]);
  }
}
