import "server-only";
import type pg from "pg";
import { sqlPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { BATCH_BYTES, RowSum, fixSession, ident, migrationsOf, readBackup, rowsOf, tablesOf, verifyBackup, type TableSum } from "./backup-format";

// Restore (decision 0024): the whole file is read once and checked before anything is written (verifyBackup),
// then everything goes in in one transaction into an empty wiki, whose counts and hashes are checked against the
// backup's before it commits.

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
    // a row goes back as it was backed up: triggers that work a column out before a write (a page's read space,
    // from the spaces table, which may not be loaded yet) do not run again
    const derived = await beforeTriggers(client);
    for (const t of derived) await client.query(`ALTER TABLE ${ident(t.table)} DISABLE TRIGGER ${ident(t.name)}`);
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
    for (const t of derived) await client.query(`ALTER TABLE ${ident(t.table)} ENABLE TRIGGER ${ident(t.name)}`);
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

/** The schema's own row triggers that run before a write (they work out a column from other rows). */
async function beforeTriggers(client: pg.PoolClient): Promise<{ table: string; name: string }[]> {
  const { rows } = await client.query<{ table: string; name: string }>(
    `SELECT c.relname AS table, t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND NOT t.tgisinternal AND (t.tgtype & 2) <> 0 ORDER BY 1, 2`,
  );
  return rows;
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
