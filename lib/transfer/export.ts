import "server-only";
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { sqlPool } from "@/lib/db";
import { readBlob } from "@/lib/files/storage";
import { slugOf } from "@/lib/wiki/titles";

// Moving out (decision 0023): every current page as Markdown with YAML front matter and every file's current
// bytes; with --history, the whole history as a git repository (one commit per revision, its author and date),
// so the wiki can be read, diffed and blamed with git alone. Read in batches: memory does not grow with the wiki.

const BATCH = 500;

/** A string as YAML reads it back exactly (a JSON string is a YAML double-quoted scalar). */
const yaml = (s: string) => JSON.stringify(s);

/** The path of a page's Markdown under the export folder: its slug (subpages in folders) and `.md`. */
export function markdownPath(title: string): string {
  return `${slugOf(title)}.md`;
}

/** A page's Markdown file: YAML front matter (title, revision, author, updated), then its text. */
function pageDocument(title: string, revision: number, author: string | null, updated: Date, markdown: string): string {
  const front = ["---", `title: ${yaml(title)}`, `revision: ${revision}`, `author: ${author === null ? "null" : yaml(author)}`, `updated: ${updated.toISOString()}`, "---", ""];
  return front.join("\n") + markdown;
}

/** The path of a file's bytes: `File:<name>` as its title's slug. */
const filePath = (title: string) => slugOf(title);

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
      const target = path.join(dir, markdownPath(page.title));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, pageDocument(page.title, page.revision, page.username, page.created_at, page.markdown));
      pages++;
      if (page.sha256) {
        await writeBytes(path.join(dir, filePath(page.title)), page.sha256);
        files++;
      }
    }
    after = rows.at(-1)!.id;
  }
  return { pages, files };
}

async function writeBytes(target: string, sha256: string) {
  const size = await blobSize(sha256);
  const out = createWriteStream(target);
  if (size > 0) {
    for await (const chunk of readBlob(sha256, 0, size - 1)) if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

async function blobSize(sha256: string): Promise<number> {
  const { rows } = await sqlPool().query<{ size: string }>("SELECT size::text FROM blobs WHERE sha256 = $1", [sha256]);
  return Number(rows[0]?.size ?? 0);
}

type HistoryRow = {
  id: number; page_id: number; kind: string; summary: string; markdown: string; created_at: Date;
  username: string | null; display_name: string | null; sha256: string | null;
};

/** The title a move revision moved its page from and to (its summary, as lib/wiki/page-lifecycle.ts writes it). */
function moveOf(summary: string): { from: string; to: string } | null {
  const m = /^Moved “(.+?)” to “(.+?)”/.exec(summary);
  return m ? { from: m[1]!, to: m[2]! } : null;
}

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
  const titles = await titlesAtStart();
  let commits = 0;
  for (let after: [Date, number] = [new Date(0), 0]; ; ) {
    const { rows } = await sqlPool().query<HistoryRow>(
      `SELECT r.id, r.page_id, r.kind::text AS kind, r.summary, r.markdown, r.created_at, u.username, u.display_name, fv.sha256
       FROM revisions r LEFT JOIN users u ON u.id = r.author_id LEFT JOIN file_versions fv ON fv.revision_id = r.id
       WHERE (r.created_at, r.id) > ($1, $2) ORDER BY r.created_at, r.id LIMIT $3`,
      [after[0], after[1], BATCH],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      let title = titles.get(r.page_id)!;
      const ops: string[] = [];
      if (r.kind === "move") {
        const move = moveOf(r.summary);
        if (move) {
          ops.push(`D ${quotePath(markdownPath(title))}`);
          title = move.to;
          titles.set(r.page_id, title);
        }
      }
      const who = r.username ?? "Anonymous";
      const email = r.username ? `${r.username}@users.vellum` : "anonymous@users.vellum";
      const when = `${Math.floor(r.created_at.getTime() / 1000)} +0000`;
      const message = `${r.summary || `${r.kind} ${title}`}\n\nVellum-Revision: ${r.id}\nVellum-Page: ${title}\n`;
      await write(out, `commit refs/heads/main\nauthor ${gitName(r.display_name ?? who)} <${email}> ${when}\ncommitter ${gitName(r.display_name ?? who)} <${email}> ${when}\n`);
      await write(out, data(message));
      for (const op of ops) await write(out, op + "\n");
      if (r.kind === "delete") {
        await write(out, `D ${quotePath(markdownPath(title))}\n`);
      } else {
        await write(out, `M 100644 inline ${quotePath(markdownPath(title))}\n`);
        await write(out, data(pageDocument(title, r.id, r.username, r.created_at, r.markdown)));
      }
      if (r.sha256) {
        const size = await blobSize(r.sha256);
        await write(out, `M 100644 inline ${quotePath(filePath(title))}\ndata ${size}\n`);
        if (size > 0) for await (const chunk of readBlob(r.sha256, 0, size - 1)) await write(out, chunk);
        await write(out, "\n");
      }
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

/**
 * Each page's title before its first revision: its title now (or when it was deleted), walked back through the
 * moves its history records.
 */
async function titlesAtStart(): Promise<Map<number, string>> {
  const titles = new Map<number, string>();
  const { rows } = await sqlPool().query<{ id: number; title: string }>(
    "SELECT id, coalesce(title, deleted_title) AS title FROM pages WHERE coalesce(title, deleted_title) IS NOT NULL",
  );
  for (const r of rows) titles.set(r.id, r.title);
  const moves = await sqlPool().query<{ page_id: number; summary: string }>(
    "SELECT page_id, summary FROM revisions WHERE kind = 'move' ORDER BY created_at DESC, id DESC",
  );
  for (const m of moves.rows) {
    const move = moveOf(m.summary);
    if (move) titles.set(m.page_id, move.from);
  }
  return titles;
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
