// The shell side of moving in and out (run by scripts/transfer.mjs with the database ready):
//   import-mediawiki FILE | export DIR [--history] | backup FILE | restore FILE | check-backup FILE (restore's first step)
import { createReadStream, statSync } from "node:fs";
import { AppError } from "@/lib/errors";
import { importMediaWiki, type ImportProgress } from "./mediawiki";
import { exportHistory, exportMarkdown } from "./export";
import { backup } from "./backup";
import { restore } from "./restore";
import { verifyBackup } from "./backup-format";
import { getCache } from "@/lib/cache";

const [command, ...args] = process.argv.slice(2);

function usage(): never {
  console.error("usage: npm run import:mediawiki -- dump.xml | npm run export -- DIR [--history] | npm run backup -- FILE | npm run restore -- FILE");
  process.exit(2);
}

/** A progress line on the terminal (rewritten in place), or a line every 10 s when the output is a log. */
function progressPrinter(label: string) {
  let last = 0;
  return (p: ImportProgress, final = false) => {
    const now = Date.now();
    const tty = process.stderr.isTTY;
    if (!final && now - last < (tty ? 200 : 10_000)) return;
    last = now;
    const share = p.bytesTotal ? Math.min(1, p.bytesRead / p.bytesTotal) : null;
    const bar = share === null ? "" : `[${"#".repeat(Math.round(share * 30)).padEnd(30, ".")}] ${(share * 100).toFixed(1)}% `;
    const line = `${label} ${bar}${(p.bytesRead / 1048576).toFixed(1)} MiB, ${p.pages} pages, ${p.revisions} revisions, ${p.users} users`;
    process.stderr.write(tty ? `\r${line}\x1b[K${final ? "\n" : ""}` : `${line}\n`);
  };
}

async function importCommand(file: string | undefined) {
  if (!file) usage();
  const size = statSync(file).size;
  const print = progressPrinter("importing");
  const started = Date.now();
  let latest: ImportProgress | null = null;
  const result = await importMediaWiki(createReadStream(file, { highWaterMark: 256 * 1024 }), {
    origin: "shell",
    bytesTotal: size,
    onProgress: (p) => print((latest = p)),
  });
  if (latest) print(latest, true);
  const seconds = (Date.now() - started) / 1000;
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`imported ${result.pages} pages, ${result.revisions} revisions, ${result.users} new users (run ${result.run}) in ${seconds.toFixed(1)} s: ${Math.round(result.revisions / Math.max(seconds, 0.001))} revisions/s, peak memory ${peak} MiB`);
  for (const r of result.renamed) console.log(`  renamed author "${r.from}" -> ${r.to}`);
  for (const s of result.skipped) console.log(`  skipped "${s.title}": ${s.reason}`);
}

async function exportCommand(dir: string | undefined, history: boolean) {
  if (!dir) usage();
  if (history) {
    // the repository's working tree, checked out at its last commit, is the export of the current wiki
    const { commits } = await exportHistory(dir);
    console.log(`wrote the history as a git repository in ${dir}: ${commits} commits (git log, git blame)`);
  }
  const { pages, files } = await exportMarkdown(dir);
  console.log(`exported ${pages} pages and ${files} files to ${dir}`);
}

const tableLine = (verb: string) => (table: string, rows: number) => {
  if (rows > 0) process.stderr.write(`  ${verb} ${table}: ${rows} rows\n`);
};

async function backupCommand(file: string | undefined) {
  if (!file) usage();
  const manifest = await backup(file, tableLine("backed up"));
  const rows = Object.values(manifest).reduce((n, t) => n + t.rows, 0);
  console.log(`wrote ${file}: ${Object.keys(manifest).length} tables, ${rows} rows, checked by its manifest`);
}

async function restoreCommand(file: string | undefined) {
  if (!file) usage();
  const manifest = await restore(file, tableLine("restored"));
  // memcached may hold renders of the revisions the empty wiki had under the same ids
  await getCache().flushAll().catch(() => undefined);
  const rows = Object.values(manifest).reduce((n, t) => n + t.rows, 0);
  console.log(`restored ${file}: ${Object.keys(manifest).length} tables, ${rows} rows; counts and hashes match the backup`);
}

/** Check a backup file whole (its hash, counts and format) without a database: a restore's first step. */
async function checkBackupCommand(file: string | undefined) {
  if (!file) usage();
  await verifyBackup(file);
}

async function main() {
  switch (command) {
    case "check-backup":
      return checkBackupCommand(args[0]);
    case "import-mediawiki":
      return importCommand(args[0]);
    case "export":
      return exportCommand(args.find((a) => !a.startsWith("--")), args.includes("--history"));
    case "backup":
      return backupCommand(args[0]);
    case "restore":
      return restoreCommand(args[0]);
    default:
      usage();
  }
}

try {
  await main();
  process.exit(0); // open connections and the render workers end with the process
} catch (e) {
  console.error(`[vellum] ${command}: ${e instanceof AppError ? e.message : e instanceof Error ? e.stack : e}`);
  process.exit(1);
}
