import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { createDatabaseIfMissing, dropDatabase } from "@/lib/db/databases.mjs";
import { db } from "@/lib/db";
import { newPage, testPeople, unique } from "@/lib/testing/factories";
import { savePage } from "@/lib/wiki/save";
import { deletePage, movePage, revertPage } from "@/lib/wiki/page-lifecycle";
import { setWatch } from "@/lib/wiki/watches";
import { postComment } from "@/lib/talk/comments";
import { createToken } from "@/lib/auth/tokens";
import { uploadFile } from "@/lib/files/uploads";
import { backup } from "./backup";
import { exportHistory, exportMarkdown } from "./export";
import { PUBLIC_ACCESS } from "@/lib/auth/access";
import { createGroup, setMembership } from "@/lib/people/groups";
import { setSpace } from "@/lib/people/spaces";

const people = testPeople({ ann: "editor", bob: "editor", admin: "admin" });
const work = mkdtempSync(path.join(tmpdir(), "vellum-transfer-"));
const madeDatabases: string[] = [];
after(async () => {
  rmSync(work, { recursive: true, force: true });
  for (const url of madeDatabases) await dropDatabase(url).catch(() => undefined);
});

/** A new, empty (migrated) wiki database: a copy of the test run's template. */
async function emptyDatabase(): Promise<string> {
  const template = new URL(process.env.TEST_TEMPLATE_DATABASE_URL!);
  const url = new URL(template);
  url.pathname = `${template.pathname}_r${unique("").slice(1)}`.replace(/-/g, "");
  await createDatabaseIfMissing(url.toString(), { template: decodeURIComponent(template.pathname.slice(1)) });
  madeDatabases.push(url.toString());
  return url.toString();
}

/** Run a TypeScript entry point as the shell tools do, against `databaseUrl` (its own in-process cache). */
function runTool(entry: string, args: string[], databaseUrl: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
  delete env.MEMCACHE_SERVERS;
  return spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", entry, ...args], { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

const bodyOf = (bytes: Buffer) => new Blob([new Uint8Array(bytes)]).stream();

/** A small wiki with a bit of everything: edits, a revert, a move, a deletion, talk, watches, a token, a file. */
async function makeWiki() {
  const { title, revision } = await newPage(people.ann, "# Bees\nBees make honey.\nSee [[Flowers]].");
  const r2 = await savePage({ title, markdown: "# Bees\nBees make honey and wax.\nSee [[Flowers]].", baseRevisionId: revision.id, author: people.bob });
  await revertPage({ title, revisionId: revision.id, author: people.bob });
  const flowers = await newPage(people.bob, "Flowers feed [[" + title + "|bees]].", unique("Flowers"));
  const moved = unique("Moved flowers");
  await movePage({ from: flowers.title, to: moved, leaveRedirect: true, author: people.ann });
  const gone = await newPage(people.ann, "to be deleted");
  await deletePage({ title: gone.title, reason: "test", author: people.admin });
  await postComment({ access: PUBLIC_ACCESS, title, content: "Are bees *fuzzy*?", author: people.bob, clientIp: "192.0.2.9" });
  await setWatch(people.ann.id, title, true, PUBLIC_ACCESS);
  const { token } = await createToken(people.bob.id, { name: "backup test" }, "session");
  const bytes = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(600_000, 7)]);
  const file = `File:${unique("Manual")}.pdf`;
  await uploadFile({ title: file, body: bodyOf(bytes), declaredLength: bytes.length, summary: "the manual", author: people.ann });
  // a private space: a restored wiki keeps it private (no page's read space is worked out again from a half-loaded wiki)
  const group = unique("crew").replace(/[^A-Za-z0-9_-]/g, "").slice(-30);
  await createGroup(people.admin, group);
  await setMembership(people.admin, group, people.ann.username, true);
  const space = unique("Vault").replace(/ /g, "");
  await setSpace(people.admin, space, { read: [`group:${group}`], edit: "editors" });
  const secret = (await newPage(people.ann, "the hidden honey", `${space}/Secret`)).title;
  return { titles: [title, flowers.title, moved, gone.title, secret], secret, files: [file], people: [people.ann.username, people.bob.username], tokens: [token], search: ["honey"], bytes, file, r2 };
}

test("backup while edits land, restore into an empty wiki: it answers every read as the original did", async () => {
  const wiki = await makeWiki();
  // edits keep landing while the backup reads its snapshot
  const busy = unique("Busy");
  let base = (await newPage(people.admin, "0", busy)).revision.id;
  let stop = false;
  const editing = (async () => {
    for (let i = 1; !stop && i < 200; i++) base = (await savePage({ title: busy, markdown: String(i), baseRevisionId: base, author: people.admin })).revision.id;
  })();
  const file = path.join(work, "wiki.vellum-backup.gz");
  const manifest = await backup(file);
  stop = true;
  await editing;
  assert.ok(manifest.revisions!.rows > 0 && manifest.blob_chunks!.rows >= 3 && manifest.outbox!.rows >= 0);

  const target = await emptyDatabase();
  const restored = runTool("lib/transfer/cli.ts", ["restore", file], target);
  assert.equal(restored.status, 0, restored.stderr + restored.stdout);
  assert.match(restored.stdout, /counts and hashes match the backup/);

  // compared with the original for everything the edits after the snapshot did not touch (the admin's busy page)
  const ask = JSON.stringify({ titles: wiki.titles, files: wiki.files, people: wiki.people, tokens: wiki.tokens, search: wiki.search });
  const original = runTool("lib/testing/read-wiki.ts", [ask], process.env.DATABASE_URL!);
  const copy = runTool("lib/testing/read-wiki.ts", [ask], target);
  assert.equal(original.status, 0, original.stderr);
  assert.equal(copy.status, 0, copy.stderr);
  const a = JSON.parse(original.stdout) as Record<string, unknown>;
  const b = JSON.parse(copy.stdout) as Record<string, unknown>;
  delete a["recent changes"]; // the busy page kept changing after the snapshot
  delete b["recent changes"];
  assert.deepEqual(b, a);
  assert.ok(JSON.stringify(b).includes("Bees make honey."), "the restored wiki has the pages");
  assert.notEqual(b[`token ${wiki.tokens[0]!.slice(0, 6)}`], null, "an access token still works");
  assert.deepEqual((b["private pages"] as { title: string }[]).map((r) => r.title), [wiki.secret], "the private page is still private");

  // the busy page was copied as one consistent state: its latest revision is there, with its text
  const busyRows = runTool("lib/testing/read-wiki.ts", [JSON.stringify({ titles: [busy] })], target);
  const busyPage = (JSON.parse(busyRows.stdout) as Record<string, { ok?: { markdown: string; revision: { number: number } } }>)[`page ${busy}`]!.ok!;
  assert.equal(busyPage.markdown, String(busyPage.revision.number - 1));

  // restoring again into the now full wiki is refused, and changes nothing
  const again = runTool("lib/transfer/cli.ts", ["restore", file], target);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /not empty/);
});

test("a truncated or altered backup is refused before anything is written", async () => {
  const { title } = await newPage(people.ann, "Some text to keep.");
  const file = path.join(work, "small.gz");
  await backup(file);
  const whole = readFileSync(file);
  const truncated = path.join(work, "truncated.gz");
  writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const text = gunzipSync(whole).toString("utf8");
  const altered = path.join(work, "altered.gz");
  writeFileSync(altered, gzipSync(Buffer.from(text.replace("Some text to keep.", "Some text to kept."))));
  const cut = path.join(work, "cut.gz");
  writeFileSync(cut, gzipSync(Buffer.from(text.split("\n").slice(0, -2).join("\n") + "\n")));
  const notBackup = path.join(work, "plain.txt");
  writeFileSync(notBackup, "hello");
  for (const bad of [truncated, altered, cut, notBackup]) {
    const target = await emptyDatabase();
    const result = runTool("lib/transfer/cli.ts", ["restore", bad], target);
    assert.notEqual(result.status, 0, `${path.basename(bad)} was accepted`);
    assert.match(result.stderr, /not a whole|altered|cut short|not a Vellum backup|checksum|damaged/, result.stderr);
    const check = runTool("lib/testing/read-wiki.ts", [JSON.stringify({ titles: [title] })], target);
    assert.match(check.stdout, /"error":"There is no page called/, `${path.basename(bad)}: nothing written`);
  }
});

test("export: every current page as Markdown with front matter and every file; --history: a git repository of every revision", async () => {
  const wiki = await makeWiki();
  const dir = path.join(work, "export");
  await exportHistory(dir);
  const { pages, files } = await exportMarkdown(dir);
  assert.ok(pages >= 3 && files >= 1);
  const bees = readFileSync(path.join(dir, `${wiki.titles[0]!.replaceAll(" ", "_")}.md`), "utf8");
  const front = /^---\ntitle: (.+)\nrevision: (\d+)\nauthor: (.+)\nupdated: (.+)\n---\n([\s\S]*)$/.exec(bees);
  assert.ok(front, bees);
  assert.equal(JSON.parse(front[1]!), wiki.titles[0]);
  assert.equal(JSON.parse(front[3]!), people.bob.username, "the reverting author saved the current revision");
  assert.equal(front[5], "# Bees\nBees make honey.\nSee [[Flowers]].");
  assert.deepEqual(readFileSync(path.join(dir, wiki.file.replaceAll(" ", "_"))), wiki.bytes, "the file's bytes");
  const md = (title: string) => `${title.replaceAll(" ", "_")}.md`;
  assert.ok(!existsSync(path.join(dir, md(wiki.titles[3]!))), "a deleted page is not exported");
  assert.ok(existsSync(path.join(dir, md(wiki.titles[2]!))), "a moved page is under its new title");

  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
  assert.equal(git("status", "--porcelain"), "", "the export is the repository's last commit");
  const total = await db().revision.count();
  assert.equal(Number(git("rev-list", "--count", "HEAD").trim()), total, "one commit per revision");
  const log = git("log", "--format=%an|%aI|%s", "--", md(wiki.titles[0]!)).trim().split("\n");
  assert.equal(log.length, 3);
  assert.match(log[2]!, new RegExp(`^${people.ann.username}\\|`), "the first commit is ann's");
  const blame = git("blame", "--line-porcelain", md(wiki.titles[0]!));
  assert.match(blame, /Bees make honey\./);
  assert.match(git("log", "--format=%s", "--diff-filter=D", "--", md(wiki.titles[3]!)), /Deleted/);
});

test("export: every title has a path of its own inside the export, never in .git; --history passes git fsck", async () => {
  const u = unique("").slice(1);
  const config = Buffer.from(`[core]\n\tfsmonitor = "touch ${path.join(work, `pwned-${u}`)}"\n`);
  // a File page may not leave File: (its bytes belong to that title), so no title outside File: has bytes
  const cfg = `File:Cfg ${u}.txt`;
  await uploadFile({ title: cfg, body: bodyOf(config), declaredLength: config.length, summary: "", author: people.ann });
  await assert.rejects(movePage({ from: cfg, to: `.git/config ${u}`, leaveRedirect: false, author: people.ann }), /only move to another File: title/);
  const hostile = [
    `.git/config`, `.git/hooks/pre-commit`, `X Clash ${u}`, `X Clash ${u}.md/Child`, `File:X Note ${u}`, `X Plain ${u}`, `X Plain ${u}.md`,
    `A ${u}/.hidden`, `git~1 ${u}`, "长".repeat(199) + u.slice(0, 1), `100% ${u}`,
  ];
  for (const title of hostile) await newPage(people.ann, `text of ${title}`, title);
  const note = Buffer.from("bytes, not a page");
  await uploadFile({ title: `File:X Note ${u}.md`, body: bodyOf(note), declaredLength: note.length, summary: "", author: people.ann });
  // a summary holding the quotes the wiki's own move summaries use
  const quoted = (await newPage(people.ann, "quoted", `X Q ${u}`)).title;
  await movePage({ from: quoted, to: `X Q2 ${u}`, leaveRedirect: false, summary: `X Q” to “../Esc`, author: people.ann });
  await movePage({ from: cfg, to: `File:Cfg2 ${u}.txt`, leaveRedirect: false, author: people.ann });

  const dir = path.join(work, `hostile-${u}`);
  await exportHistory(dir);
  const gitConfig = readFileSync(path.join(dir, ".git/config"), "utf8");
  await exportMarkdown(dir);
  assert.equal(readFileSync(path.join(dir, ".git/config"), "utf8"), gitConfig, "an export never writes into .git");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
  git("fsck", "--strict");
  assert.equal(git("status", "--porcelain"), "", "the export is the repository's last commit");
  assert.ok(!existsSync(path.join(work, `pwned-${u}`)), "no command ran");
  const tracked = git("ls-files", "-z").split("\0").filter(Boolean);
  assert.ok(tracked.every((p) => !p.split("/").some((s) => s.startsWith(".") || s === "..")), tracked.join("\n"));
  assert.ok(!tracked.some((p) => p.includes("Esc")), "a move is read from what the wiki recorded, not its summary");
  // every page's Markdown holds its own text, under its own title, and every file its bytes
  const fronts = new Map<string, string>();
  for (const p of tracked.filter((p) => p.endsWith(".md"))) {
    const text = readFileSync(path.join(dir, p), "utf8");
    const m = /^---\ntitle: (.+)\n[\s\S]*?---\n([\s\S]*)$/.exec(text);
    assert.ok(m, `${p} is a page`);
    fronts.set(JSON.parse(m[1]!) as string, m[2]!);
  }
  for (const title of hostile) assert.equal(fronts.get(title), `text of ${title}`, title);
  assert.equal(fronts.get(`X Q2 ${u}`), "quoted");
  const bytesFiles = tracked.filter((p) => p.startsWith("File:") && !p.endsWith(".md")).map((p) => readFileSync(path.join(dir, p)));
  assert.ok(bytesFiles.some((b) => b.equals(note)), "the .md-named file's bytes are there");
  assert.ok(bytesFiles.some((b) => b.equals(config)), "the moved file's bytes follow it");
  assert.equal(tracked.filter((p) => p.startsWith(`File:Cfg_${u}`)).length, 0, "and leave its old title");
});

test("a backup is made anew, owner-only: never through a link or with a leftover's mode", async () => {
  const { statSync, symlinkSync, lstatSync, chmodSync } = await import("node:fs");
  const file = path.join(work, `modes-${unique("").slice(1)}.gz`);
  writeFileSync(`${file}.partial`, "left over");
  chmodSync(`${file}.partial`, 0o666);
  await backup(file);
  assert.equal(statSync(file).mode & 0o777, 0o600, "the backup is the owner's alone");
  const victim = path.join(work, `victim-${unique("").slice(1)}`);
  writeFileSync(victim, "precious");
  chmodSync(victim, 0o644);
  symlinkSync(victim, `${file}.partial`);
  await backup(file);
  assert.equal(readFileSync(victim, "utf8"), "precious", "a link at FILE.partial is not followed");
  assert.ok(!lstatSync(file).isSymbolicLink() && (statSync(file).mode & 0o777) === 0o600);
  assert.ok(!existsSync(`${file}.partial`));
});

test("npm run restore of a damaged file writes nothing to the target database, not even its tables", async () => {
  await newPage(people.ann, "something");
  const file = path.join(work, `damaged-${unique("").slice(1)}.gz`);
  await backup(file);
  writeFileSync(file, readFileSync(file).subarray(0, 200));
  const template = new URL(process.env.TEST_TEMPLATE_DATABASE_URL!);
  const target = new URL(template);
  target.pathname = `${template.pathname}_bare${unique("").slice(1)}`.replace(/-/g, "");
  await createDatabaseIfMissing(target.toString());
  madeDatabases.push(target.toString());
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: target.toString() };
  delete env.MEMCACHE_SERVERS;
  const result = spawnSync(process.execPath, ["scripts/transfer.mjs", "restore", file], { env, encoding: "utf8" });
  assert.notEqual(result.status, 0, "refused");
  assert.match(result.stderr + result.stdout, /not a whole|cut short|damaged|checksum|not a Vellum backup/);
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
    assert.equal(rows[0]!.n, 0, "no migration ran");
  } finally {
    await client.end();
  }
});
