// `npm run bench:transfer`: moving in and out at scale (issue 18), on its own PostgreSQL cluster (.data/bench-transfer):
// - the shell import of a generated MediaWiki export of 100,000 revisions (1,000 pages x 100): revisions/s and the
//   importer's peak memory;
// - blame against history length: pages of 10 to 10,000 revisions, the cost of reading a blame beside the cost of
//   the first page of history (both as the API reads them), and a save's blame step on long pages;
// - backup, restore into an empty database, and export --history of the same wiki: seconds and sizes.
// Writes a table to stdout and JSON to bench/results/. Not part of `npm test`.
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import path from "node:path";
import { ROOT, DATA, say, ensureDependencies, ensurePrismaClient } from "../scripts/lib/setup.mjs";
import { startEmbeddedPostgres, createDatabaseIfMissing } from "../scripts/lib/postgres.mjs";
import { migrate } from "../scripts/lib/migrate.mjs";

const PAGES = Number(process.env.BENCH_IMPORT_PAGES ?? 1000);
const REVISIONS_PER_PAGE = Number(process.env.BENCH_IMPORT_REVISIONS ?? 100);
const work = path.join(DATA, "bench-transfer");
const cleanups = [];
const cleanup = async () => {
  while (cleanups.length) await cleanups.pop()().catch(() => {});
};
process.on("SIGINT", () => cleanup().then(() => process.exit(130)));

const escapeXml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A page's wikitext at revision `r`: a few KB with headings, links, lists, a table and a template; each revision changes a few lines. */
function wikitext(page, r) {
  const lines = [`{{Infobox|name=Page ${page}|rev=${r}}}`, `'''Page ${page}''' is about ''topic ${page % 37}''. See [[Page ${(page + 1) % PAGES}]] and [[Page ${(page + 7) % PAGES}|a neighbour]].`];
  for (let s = 0; s < 8; s++) {
    lines.push(`== Section ${s} ==`);
    for (let k = 0; k < 4; k++) {
      const edited = (s * 4 + k) % 11 === r % 11 ? ` (revised in revision ${r})` : "";
      lines.push(`* Point ${s}.${k} of page ${page}, with [https://example.org/${page}/${s} a source]${edited}.`);
    }
    lines.push(`Paragraph ${s} of page ${page}: ${"words and more words ".repeat(6)}`);
  }
  lines.push('{| class="wikitable"\n! Key !! Value\n|-\n| a || 1\n|-\n| b || ' + r + "\n|}");
  lines.push("[[Category:Generated]]");
  return lines.join("\n");
}

async function writeDump(file, pages, dbname) {
  const out = createWriteStream(file);
  const write = async (s) => {
    if (!out.write(s)) await once(out, "drain");
  };
  await write(`<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">\n<siteinfo><sitename>Bench</sitename><dbname>${dbname}</dbname><case>first-letter</case></siteinfo>\n`);
  let id = 1;
  for (const [title, count] of pages) {
    await write(`<page><title>${escapeXml(title)}</title><ns>0</ns><id>${id}</id>\n`);
    for (let r = 1; r <= count; r++) {
      const at = new Date(Date.UTC(2010, 0, 1) + (id * 100_000 + r) * 1000).toISOString().replace(".000", "");
      await write(`<revision><id>${id * 100_000 + r}</id><timestamp>${at}</timestamp><contributor><username>Writer ${r % 50}</username></contributor><comment>edit ${r}</comment><model>wikitext</model><format>text/x-wiki</format><text xml:space="preserve">${escapeXml(wikitext(id, r))}</text></revision>\n`);
    }
    await write("</page>\n");
    id++;
  }
  await write("</mediawiki>\n");
  out.end();
  await once(out, "finish");
}

function tool(args, url, extra = []) {
  const started = Date.now();
  const env = { ...process.env, DATABASE_URL: url, DATABASE_STATEMENT_TIMEOUT_MS: "600000" };
  delete env.MEMCACHE_SERVERS; // the tools' in-process cache: this bench measures PostgreSQL and the code
  const r = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", ...extra, ...args], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr.slice(-2000)}`);
  return { seconds: (Date.now() - started) / 1000, stdout: r.stdout };
}

try {
  ensureDependencies();
  ensurePrismaClient();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const pg = await startEmbeddedPostgres({ dir: work, port: Number(process.env.BENCH_PG_PORT ?? 54341), database: "vellum" });
  cleanups.push(pg.stop);
  await migrate(pg.url);
  const results = { when: new Date().toISOString() };

  // 1. the import
  const dump = path.join(work, "dump.xml");
  await writeDump(dump, Array.from({ length: PAGES }, (_, i) => [`Page ${i}`, REVISIONS_PER_PAGE]), "benchwiki");
  const size = statSync(dump).size;
  say(`generated ${PAGES * REVISIONS_PER_PAGE} revisions (${(size / 1048576).toFixed(0)} MiB of XML); importing...`);
  const imported = tool(["lib/transfer/cli.ts", "import-mediawiki", dump], pg.url);
  const line = /imported (\d+) pages, (\d+) revisions.*: (\d+) revisions\/s, peak memory (\d+) MiB/.exec(imported.stdout);
  results.import = { revisions: Number(line[2]), xmlMiB: Math.round(size / 1048576), seconds: imported.seconds, revisionsPerSecond: Number(line[3]), peakMemoryMiB: Number(line[4]) };
  say(`import: ${JSON.stringify(results.import)}`);

  // 2. blame against history length (pages imported with their blame)
  const lengths = [10, 100, 1000, 10_000];
  const longDump = path.join(work, "long.xml");
  await writeDump(longDump, lengths.map((n) => [`History of ${n}`, n]), "benchlong");
  say(tool(["lib/transfer/cli.ts", "import-mediawiki", longDump], pg.url).stdout.trim());
  const costs = tool(["bench/transfer-costs.ts", JSON.stringify({ titles: lengths.map((n) => `History of ${n}`) })], pg.url);
  results.blame = JSON.parse(costs.stdout);
  say(`blame: ${JSON.stringify(results.blame)}`);

  // 3. backup, restore, export of the same wiki
  const backupFile = path.join(work, "wiki.backup.gz");
  const b = tool(["lib/transfer/cli.ts", "backup", backupFile], pg.url);
  const restoreUrl = pg.url.replace(/\/vellum$/, "/restored");
  await createDatabaseIfMissing(restoreUrl);
  await migrate(restoreUrl);
  const r = tool(["lib/transfer/cli.ts", "restore", backupFile], restoreUrl);
  const e = tool(["lib/transfer/cli.ts", "export", path.join(work, "export"), "--history"], pg.url);
  results.transfer = { backupSeconds: b.seconds, backupMiB: Math.round(statSync(backupFile).size / 1048576), restoreSeconds: r.seconds, exportHistorySeconds: e.seconds };
  say(`backup/restore/export: ${JSON.stringify(results.transfer)}`);

  console.log("\n| measure | value |\n|---|---:|");
  console.log(`| import: revisions (XML MiB) | ${results.import.revisions} (${results.import.xmlMiB}) |`);
  console.log(`| import: seconds, revisions/s | ${results.import.seconds.toFixed(1)}, ${results.import.revisionsPerSecond} |`);
  console.log(`| import: peak memory of the importer | ${results.import.peakMemoryMiB} MiB |`);
  for (const row of results.blame.rows) console.log(`| ${row.revisions} revisions: blame / history first page, median ms | ${row.blameMs} / ${row.historyMs} |`);
  for (const row of results.blame.saves) console.log(`| save's blame step, ${row.lines} lines, one line changed, median ms | ${row.ms} |`);
  console.log(`| backup: seconds (MiB) | ${results.transfer.backupSeconds.toFixed(1)} (${results.transfer.backupMiB}) |`);
  console.log(`| restore into an empty database, checked: seconds | ${results.transfer.restoreSeconds.toFixed(1)} |`);
  console.log(`| export --history (git fast-import): seconds | ${results.transfer.exportHistorySeconds.toFixed(1)} |`);
  mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(path.join(ROOT, `bench/results/transfer-${results.when.replace(/[:.]/g, "-")}.json`), JSON.stringify(results, null, 2));
} finally {
  await cleanup();
}
