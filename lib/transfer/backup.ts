import "server-only";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { sqlPool } from "@/lib/db";
import { FORMAT, RowSum, VERSION, fixSession, migrationsOf, rowsOf, tablesOf, type Header, type Manifest, type TableSum } from "./backup-format";

// Backups (decision 0024): every table of the wiki read in one REPEATABLE READ snapshot (consistent while the wiki
// serves and takes edits) into one file of the format backup-format.ts defines; restore.ts reads it back.

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

