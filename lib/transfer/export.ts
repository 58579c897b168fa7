import "server-only";
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { lstat, mkdir, open } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { sqlPool } from "@/lib/db";
import { readBlob } from "@/lib/files/storage";
import { bytesPath, markdownPath } from "./export-paths";

// Moving out (decision 0023): every current page as Markdown with YAML front matter and every file's current
// bytes; with --history, the whole history as a git repository (one commit per revision, its author and date),
// so the wiki can be read, diffed and blamed with git alone. Read in batches: memory does not grow with the wiki.
// Every path comes from lib/transfer/export-paths.ts (each title its own, never a hidden or `.git` path), and every
// file is written inside the export's folder without following a link that was there before.

const BATCH = 500;

/** A string as YAML reads it back exactly (a JSON string is a YAML double-quoted scalar). */
const yaml = (s: string) => JSON.stringify(s);

/** A page's Markdown file: YAML front matter (title, revision, author, updated), then its text. */
function pageDocument(title: string, revision: number, author: string | null, updated: Date, markdown: string): string {
  const front = ["---", `title: ${yaml(title)}`, `revision: ${revision}`, `author: ${author === null ? "null" : yaml(author)}`, `updated: ${updated.toISOString()}`, "---", ""];
  return front.join("\n") + markdown;
}

type CurrentPage = { id: number; title: string; revision: number; username: string | null; created_at: Date; markdown: string; sha256: string | null };

/** Write every current page and file under `dir`. Returns the counts. */
export async function exportMarkdown(dir: string): Promise<{ pages: number; files: number }> {
  await mkdir(dir, { recursive: true });
  let pages = 0;
  let files = 0;
  for (let after = 0; ; ) {
    const { rows } = await sqlPool().query<CurrentPage>(
      `SELECT p.id, p.title, r.id AS revision, u.username, r.created_at, r.markdown, fv.sha256
       FROM pages p JOIN revisions r ON r.id = p.latest_revision_id LEFT JOIN users u ON u.id = r.author_id
       LEFT JOIN file_versions fv ON fv.id = p.file_version_id
       WHERE p.title IS NOT NULL AND p.id > $1 ORDER BY p.id LIMIT $2`,
      [after, BATCH],
    );
    if (rows.length === 0) break;
    for (const page of rows) {
      await writeInside(dir, markdownPath(page.title), pageDocument(page.title, page.revision, page.username, page.created_at, page.markdown));
      pages++;
      const bytes = bytesPath(page.title);
      if (page.sha256 && bytes) {
        await writeInside(dir, bytes, { sha256: page.sha256 });
        files++;
      }
    }
    after = rows.at(-1)!.id;
  }
  return { pages, files };
}

/**
 * Write a page's text, or a blob's bytes (`{sha256}`), at `relative` under `dir`: each folder on the way made or
 * found as a real folder (never a link left there), the file opened without following a link, and truncated.
 */
async function writeInside(dir: string, relative: string, content: string | { sha256: string }) {
  let at = dir;
  const segments = relative.split("/");
  for (const segment of segments.slice(0, -1)) {
    at = path.join(at, segment);
    await mkdir(at).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
    if (!(await lstat(at)).isDirectory()) throw new Error(`${at} is in the way: not a folder (a link, or a file left there)`);
  }
  const file = await open(path.join(at, segments.at(-1)!), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    if (typeof content === "string") {
      await file.writeFile(content);
      return;
    }
    const size = await blobSize(content.sha256);
    if (size > 0) for await (const chunk of readBlob(content.sha256, 0, size - 1)) await file.write(chunk);
  } finally {
    await file.close();
  }
}

async function blobSize(sha256: string): Promise<number> {
  const { rows } = await sqlPool().query<{ size: string }>("SELECT size::text FROM blobs WHERE sha256 = $1", [sha256]);
  return Number(rows[0]?.size ?? 0);
}

type HistoryRow = {
  id: number; page_id: number; kind: string; title: string | null; summary: string; markdown: string; created_at: Date;
  username: string | null; display_name: string | null; sha256: string | null;
};

/**
 * The whole history as a git repository in `dir` (made with `git init`, written by `git fast-import`): one commit
 * per revision in time order, authored by its author at its time; moves rename the file, deletions remove it and
 * restores bring it back; uploads write the file's bytes. Each commit writes the page as exportMarkdown does, so the
 * working tree checked out at the end is the export of the current wiki.
 */
export async function exportHistory(dir: string): Promise<{ commits: number }> {
  await mkdir(dir, { recursive: true });
  await run("git", ["init", "-q", "-b", "main", dir]);
  const git = spawn("git", ["fast-import", "--quiet", "--done"], { cwd: dir, stdio: ["pipe", "inherit", "inherit"] });
  const finished = new Promise<number>((resolve, reject) => {
    git.on("error", reject);
    git.on("close", (code) => resolve(code ?? 1));
  });
  const out = git.stdin;
  const fallback = await titlesOfUnplaced();
  /** What each page's last commit left in the tree: its title, its file's bytes, and whether it is there. */
  const shown = new Map<number, { title: string; sha256: string | null; live: boolean }>();
  let commits = 0;
  for (let after: [Date, number] = [new Date(0), 0]; ; ) {
    const { rows } = await sqlPool().query<HistoryRow>(
      `SELECT r.id, r.page_id, r.kind::text AS kind, r.title, r.summary, r.markdown, r.created_at, u.username, u.display_name, fv.sha256
       FROM revisions r LEFT JOIN users u ON u.id = r.author_id LEFT JOIN file_versions fv ON fv.revision_id = r.id
       WHERE (r.created_at, r.id) > ($1, $2) ORDER BY r.created_at, r.id LIMIT $3`,
      [after[0], after[1], BATCH],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      const title = r.title ?? fallback.get(r.page_id) ?? `Page ${r.page_id}`;
      const before = shown.get(r.page_id);
      const sha256 = r.sha256 ?? before?.sha256 ?? null;
      const ops: string[] = [];
      // a move (or a page coming back under another title) renames: the old paths go
      if (before?.live && before.title !== title) ops.push(...pathsOf(before.title, before.sha256).map((p) => `D ${quotePath(p)}`));
      const who = r.username ?? "Anonymous";
      const email = r.username ? `${r.username}@users.vellum` : "anonymous@users.vellum";
      const when = `${Math.floor(r.created_at.getTime() / 1000)} +0000`;
      const message = `${r.summary || `${r.kind} ${title}`}\n\nVellum-Revision: ${r.id}\nVellum-Page: ${title}\n`;
      await write(out, `commit refs/heads/main\nauthor ${gitName(r.display_name ?? who)} <${email}> ${when}\ncommitter ${gitName(r.display_name ?? who)} <${email}> ${when}\n`);
      await write(out, data(message));
      for (const op of ops) await write(out, op + "\n");
      const live = r.kind !== "delete";
      if (!live) {
        for (const p of pathsOf(title, sha256)) await write(out, `D ${quotePath(p)}\n`);
      } else {
        await write(out, `M 100644 inline ${quotePath(markdownPath(title))}\n`);
        await write(out, data(pageDocument(title, r.id, r.username, r.created_at, r.markdown)));
        const bytes = bytesPath(title);
        // the bytes are written when they change, and again under a new title or after a restore
        if (sha256 && bytes && (r.sha256 || !before?.live || before.title !== title)) {
          const size = await blobSize(sha256);
          await write(out, `M 100644 inline ${quotePath(bytes)}\ndata ${size}\n`);
          if (size > 0) for await (const chunk of readBlob(sha256, 0, size - 1)) await write(out, chunk);
          await write(out, "\n");
        }
      }
      shown.set(r.page_id, { title, sha256, live });
      await write(out, "\n");
      commits++;
    }
    const last = rows.at(-1)!;
    after = [last.created_at, last.id];
  }
  await write(out, "done\n");
  out.end();
  const code = await finished;
  if (code !== 0) throw new Error(`git fast-import failed (exit code ${code})`);
  if (commits > 0) await run("git", ["checkout", "-q", "-f", "main"], dir);
  return { commits };
}

/** The paths a page's title holds in the tree: its Markdown, and its file's bytes when it has them. */
function pathsOf(title: string, sha256: string | null): string[] {
  const bytes = sha256 ? bytesPath(title) : null;
  return bytes ? [markdownPath(title), bytes] : [markdownPath(title)];
}

/**
 * The title to give revisions whose own is unknown (older than the column, before a move their summary did not
 * let the migration place): the earliest title the page's history records, else its title now (decision 0028).
 */
async function titlesOfUnplaced(): Promise<Map<number, string>> {
  const { rows } = await sqlPool().query<{ page_id: number; title: string }>(
    `SELECT DISTINCT ON (u.page_id) u.page_id, coalesce(r.title, p.title, p.deleted_title) AS title
     FROM (SELECT DISTINCT page_id FROM revisions WHERE title IS NULL) u JOIN pages p ON p.id = u.page_id
     LEFT JOIN revisions r ON r.page_id = u.page_id AND r.title IS NOT NULL
     ORDER BY u.page_id, r.number`,
  );
  return new Map(rows.filter((r) => r.title !== null).map((r) => [r.page_id, r.title]));
}

/** A name as git's ident line takes it: no angle brackets or line breaks. */
const gitName = (name: string) => name.replace(/[<>\n\r]/g, "").trim() || "Anonymous";

/** A path in fast-import's quoted form (C-style escapes), so any title is a valid path. */
function quotePath(p: string): string {
  return JSON.stringify(p);
}

function data(text: string): string {
  return `data ${Buffer.byteLength(text, "utf8")}\n${text}\n`;
}

async function write(out: Writable, chunk: string | Buffer) {
  if (!out.write(chunk)) await once(out, "drain");
}

function run(cmd: string, args: string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} failed (exit code ${code})`))));
  });
}
