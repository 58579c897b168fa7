import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { usernameKey } from "@/lib/auth/normal-forms";
import { usernameSchema } from "@/lib/auth/accounts";
import { normaliseTitleParts } from "@/lib/wiki/title-rules.js";
import { lockTitles } from "@/lib/wiki/links";
import { lockPage } from "@/lib/wiki/page-writes";
import { refreshPageState } from "@/lib/wiki/startup";
import { REVERT_WINDOW, firstOrigins, fromRuns, nextOrigins, toRuns } from "@/lib/wiki/blame-lines";
import { MAX_SUMMARY_LENGTH, flattenSummary } from "@/lib/wiki/schema";
import { readDump, type Chunks, type DumpEvent, type DumpRevision } from "./mediawiki-xml";
import { wikitextToMarkdown } from "./wikitext";

// Importing a MediaWiki export (decision 0023): one transaction per page, revisions written in batches as they are
// read (bounded memory whatever the page's history), each recorded in imported_revisions so that importing again,
// or again after a crash, adds nothing twice. Authors become accounts that cannot sign in; IP editors stay
// anonymous. Pages whose title Vellum refuses are skipped and listed. One file: the run, the page and its writer
// share one context and one set of rules (what is skipped, who an author is), and the run's list is read with them.

export type ImportSummary = {
  pages: number;
  revisions: number;
  users: number;
  skipped: { title: string; reason: string }[];
  renamed: { from: string; to: string }[];
};

export type ImportProgress = { bytesRead: number; bytesTotal: number | null; pages: number; revisions: number; users: number };

/** Revisions written per statement batch (and kept in memory at most, with BATCH_CHARS). */
const BATCH = 500;
const BATCH_CHARS = 16 * 1024 * 1024;
/** Longest a page's transaction may run (a page of a million revisions is written in one). */
const PAGE_TIMEOUT_MS = 6 * 60 * 60 * 1000;
/** At most this many skipped pages are listed (the count says how many more). */
const MAX_LISTED = 1000;
/** How often the run's progress is written for the admin page. */
const PROGRESS_MS = 1000;

type PageHeader = Extract<DumpEvent, { type: "page" }>;

/** Import an export read from `chunks`. Throws a 400 AppError on malformed input (pages already complete stay). */
export async function importMediaWiki(
  chunks: Chunks,
  options: { origin: "api" | "shell"; bytesTotal?: number | null; onProgress?: (p: ImportProgress) => void },
): Promise<ImportSummary & { run: number }> {
  const run = await db().importRun.create({ data: { origin: options.origin, bytesTotal: options.bytesTotal ?? null }, select: { id: true } });
  const summary: ImportSummary = { pages: 0, revisions: 0, users: 0, skipped: [], renamed: [] };
  let skippedMore = 0;
  const progress: ImportProgress = { bytesRead: 0, bytesTotal: options.bytesTotal ?? null, pages: 0, revisions: 0, users: 0 };
  let lastProgress = 0;
  const report = async (force = false) => {
    Object.assign(progress, { pages: summary.pages, revisions: summary.revisions, users: summary.users });
    options.onProgress?.(progress);
    if (!force && Date.now() - lastProgress < PROGRESS_MS) return;
    lastProgress = Date.now();
    await db().importRun.update({
      where: { id: run.id },
      data: { bytesRead: progress.bytesRead, pages: summary.pages, revisions: summary.revisions, users: summary.users },
    });
  };
  const skip = (title: string, reason: string) => {
    if (summary.skipped.length < MAX_LISTED) summary.skipped.push({ title, reason });
    else skippedMore++;
  };
  const ctx: ImportContext = { source: "mediawiki", firstLetter: true, authors: new Map(), summary, seenPages: new Set() };
  const events = readDump(chunks, (n) => {
    progress.bytesRead += n;
  })[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) break;
      const event = next.value;
      if (event.type === "siteinfo") {
        ctx.source = `mediawiki:${event.siteinfo.dbname ?? event.siteinfo.base ?? "unnamed"}`;
        ctx.firstLetter = event.siteinfo.firstLetter;
        await db().importRun.update({ where: { id: run.id }, data: { source: ctx.source } });
      } else if (event.type === "page") {
        const problem = await importPage(ctx, event, events);
        if (problem) skip(event.title, problem);
        await report();
      }
    }
    if (skippedMore > 0) summary.skipped.push({ title: `(${skippedMore} more)`, reason: "not listed: too many skipped pages" });
    await report(true);
    await db().importRun.update({
      where: { id: run.id },
      data: { status: "done", finishedAt: new Date(), skipped: summary.skipped, renamed: summary.renamed },
    });
    return { ...summary, run: run.id };
  } catch (e) {
    const message = e instanceof AppError ? e.message : "the import stopped on an internal error";
    await db().importRun.update({
      where: { id: run.id },
      data: {
        status: "failed", error: message, finishedAt: new Date(), bytesRead: progress.bytesRead,
        pages: summary.pages, revisions: summary.revisions, users: summary.users, skipped: summary.skipped, renamed: summary.renamed,
      },
    }).catch(() => undefined);
    throw e;
  }
}

type ImportContext = {
  source: string;
  firstLetter: boolean;
  /** Author name -> account id, for this run. */
  authors: Map<string, string>;
  summary: ImportSummary;
  seenPages: Set<number>;
};

/** Read a page's revisions to its end without keeping them (a skipped page). */
async function skipPage(events: AsyncIterator<DumpEvent>): Promise<void> {
  while (await nextRevision(events));
}

/** Import one page (its revisions read from `events` up to its end); the reason when it is skipped, else null. */
async function importPage(ctx: ImportContext, header: PageHeader, events: AsyncIterator<DumpEvent>): Promise<string | null> {
  const { title, problem } = normaliseTitleParts(header.title.replaceAll("_", " "));
  if (problem) {
    await skipPage(events);
    return `Vellum does not accept this title: ${problem}`;
  }
  if (header.id !== null) {
    if (ctx.seenPages.has(header.id)) {
      await skipPage(events);
      return `page id ${header.id} appears twice in this export: only its first page is imported`;
    }
    ctx.seenPages.add(header.id);
  }
  // the first revision, read before the transaction: a page imported before may have been moved here since
  const first = await nextRevision(events);
  if (!first) return null;
  const earlier = await pageHolding(ctx.source, first.id);
  if (earlier && earlier.title === null) {
    await skipPage(events);
    return "this page was deleted here after an earlier import of it (restore it to import its newer revisions)";
  }
  const target = earlier?.title ?? title;
  let ended = false;
  const written = await db().$transaction(
    async (tx) => {
      // one import of a source writes at a time: a second, concurrent one finds this one's revisions and skips them
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`vellum-import ${ctx.source}`}))::text AS locked`;
      await lockTitles(tx, { exclusive: [target] });
      const page = await pageForImport(tx, target);
      const writer = new PageWriter(tx, ctx, page);
      await writer.start();
      let batch: DumpRevision[] = [];
      let chars = 0;
      for (let r: DumpRevision | null = first; r; r = await nextRevision(events)) {
        batch.push(r);
        chars += r.text.length;
        if (batch.length >= BATCH || chars >= BATCH_CHARS) {
          await writer.write(batch);
          batch = [];
          chars = 0;
        }
      }
      ended = true;
      await writer.write(batch);
      await writer.finish();
      if (writer.added === 0 && page.created) await tx.$executeRaw`DELETE FROM pages WHERE id = ${page.id}`;
      return writer.added > 0 ? { id: page.id, latestRevisionId: writer.latestId! } : null;
    },
    { maxWait: 30_000, timeout: PAGE_TIMEOUT_MS },
  ).catch(async (e: unknown) => {
    if (!(e instanceof SourceClash)) throw e;
    if (!ended) await skipPage(events);
    return e;
  });
  if (written instanceof SourceClash) return written.message;
  if (written) {
    ctx.summary.pages++;
    // links, search and redirect from the new latest text, under a save's locks (a crash before this leaves the
    // page for the start-up refresh: its links_renderer was reset above)
    await refreshPageState({ id: written.id, title: target, latestRevisionId: written.latestRevisionId });
  }
  return null;
}

/** The page's next revision, or null at its end. */
async function nextRevision(events: AsyncIterator<DumpEvent>): Promise<DumpRevision | null> {
  for (;;) {
    const next = await events.next();
    if (next.done) throw new AppError("bad_request", "Malformed XML: the export ends inside a page");
    if (next.value.type === "end-page") return null;
    if (next.value.type === "revision") return next.value.revision;
  }
}

/** The page (its title now, null when deleted) holding a revision imported earlier from `source`, or null. */
async function pageHolding(source: string, sourceRevisionId: number): Promise<{ title: string | null } | null> {
  const rows = await db().$queryRaw<{ title: string | null }[]>`
    SELECT p.title FROM imported_revisions i JOIN revisions r ON r.id = i.revision_id JOIN pages p ON p.id = r.page_id
    WHERE i.source = ${source} AND i.source_revision_id = ${BigInt(sourceRevisionId)}`;
  return rows[0] ?? null;
}

type ImportPage = { id: number; title: string; created: boolean; latest: { id: number; number: number; markdown: string } | null };

/**
 * The page row the import writes to, locked: a new one, or the existing page (imported revisions follow its own),
 * or, when its only revision is the welcome a fresh wiki starts with (by nobody, never edited), that page emptied.
 */
async function pageForImport(tx: Tx, title: string): Promise<ImportPage> {
  let page = await lockPage(tx, title);
  const created = !page;
  if (!page) {
    await tx.$executeRaw`INSERT INTO pages (title) VALUES (${title})`;
    page = (await lockPage(tx, title))!;
  }
  if (page.latest_revision_id === null) return { id: page.id, title, created, latest: null };
  const latest = await tx.revision.findUniqueOrThrow({
    where: { id: page.latest_revision_id }, select: { id: true, number: true, markdown: true, authorId: true, kind: true, imported: true },
  });
  if (latest.number === 1 && latest.authorId === null && latest.kind === "create" && !latest.imported) {
    await tx.$executeRaw`UPDATE pages SET latest_revision_id = NULL WHERE id = ${page.id}`;
    await tx.$executeRaw`DELETE FROM revisions WHERE id = ${latest.id}`;
    return { id: page.id, title, created, latest: null };
  }
  return { id: page.id, title, created, latest: { id: latest.id, number: latest.number, markdown: latest.markdown } };
}

/** A page whose revisions clash with those an earlier import of another wiki under the same name brought. */
class SourceClash extends Error {}

/** Writes one page's revisions in order, batch by batch, carrying its blame forward. */
class PageWriter {
  added = 0;
  latestId: number | null;
  private number: number;
  private text: string;
  private origins: number[] | null = null;
  /** The last REVERT_WINDOW revisions' texts and origins: a revision bringing one back takes its origins (a revert). */
  private recent: { markdown: string; origins: number[] }[] = [];

  constructor(private tx: Tx, private ctx: ImportContext, private page: ImportPage) {
    this.latestId = page.latest?.id ?? null;
    this.number = page.latest?.number ?? 0;
    this.text = page.latest?.markdown ?? "";
  }

  async start() {
    if (!this.page.latest) return;
    const rows = await this.tx.$queryRaw<{ runs: number[] }[]>`SELECT runs FROM revision_blames WHERE revision_id = ${this.page.latest.id}`;
    // without the latest's blame (saved before blame existed) the imported revisions get theirs from the fill
    this.origins = rows[0] ? fromRuns(rows[0].runs) : null;
  }

  async write(batch: DumpRevision[]) {
    if (batch.length === 0) return;
    // revisions out of order within a batch are put in order of time (then id)
    batch.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || a.id - b.id);
    const have = await this.tx.$queryRaw<{ id: bigint; at: Date }[]>`
      SELECT i.source_revision_id AS id, r.created_at AS at FROM imported_revisions i JOIN revisions r ON r.id = i.revision_id
      WHERE i.source = ${this.ctx.source} AND i.source_revision_id = ANY(${batch.map((r) => BigInt(r.id))}::bigint[])`;
    const known = new Set(have.map((r) => Number(r.id)));
    // a known id with another time is another wiki's revision under the same name: never taken for this one
    const times = new Map(batch.map((r) => [r.id, r.timestamp.getTime()]));
    const clash = have.find((r) => times.get(Number(r.id)) !== r.at.getTime());
    if (clash) {
      throw new SourceClash(`revision ${clash.id} was imported before from another export calling its wiki "${this.ctx.source.slice("mediawiki:".length)}", with another time: nothing of this page was imported (a different wiki needs its own <dbname>)`);
    }
    // a revision id already imported, or twice in this batch, is written once
    const fresh = batch.filter((r) => !known.has(r.id) && (known.add(r.id), true));
    if (fresh.length === 0) return;
    const ids = (await this.tx.$queryRaw<{ id: number }[]>`
      SELECT nextval(pg_get_serial_sequence('revisions', 'id'))::int AS id FROM generate_series(1, ${fresh.length})`).map((r) => r.id);
    const cols = {
      id: [] as number[], number: [] as number[], kind: [] as string[], parent: [] as (number | null)[], author: [] as (string | null)[],
      summary: [] as string[], markdown: [] as string[], size: [] as number[], at: [] as string[], source: [] as bigint[], runs: [] as string[],
    };
    for (const [k, r] of fresh.entries()) {
      const id = ids[k]!;
      const markdown = wikitextToMarkdown(r.text, { title: this.page.title, firstLetter: this.ctx.firstLetter });
      cols.id.push(id);
      cols.number.push(++this.number);
      cols.kind.push(this.latestId === null ? "create" : "edit");
      cols.parent.push(this.latestId);
      cols.author.push(r.username === null ? null : await this.author(r.username));
      cols.summary.push(oneLine(r.comment));
      cols.markdown.push(markdown);
      cols.size.push(Buffer.byteLength(markdown, "utf8"));
      cols.at.push(r.timestamp.toISOString());
      cols.source.push(BigInt(r.id));
      const reverted = this.recent.findLast((r) => r.markdown === markdown);
      this.origins = reverted ? reverted.origins : this.latestId === null ? firstOrigins(markdown, id) : this.origins && nextOrigins(this.text, this.origins, markdown, id);
      if (this.origins) this.recent = [...this.recent.slice(1 - REVERT_WINDOW), { markdown, origins: this.origins }];
      cols.runs.push(this.origins ? toRuns(this.origins).join(",") : "");
      this.latestId = id;
      this.text = markdown;
    }
    await this.tx.$executeRaw`
      INSERT INTO revisions (id, page_id, number, kind, parent_id, author_id, summary, markdown, size, created_at, title)
      SELECT t.id, ${this.page.id}, t.number, t.kind::"RevisionKind", t.parent, t.author, t.summary, t.markdown, t.size, t.at, ${this.page.title}
      FROM unnest(${cols.id}::int[], ${cols.number}::int[], ${cols.kind}::text[], ${cols.parent}::int[], ${cols.author}::text[],
        ${cols.summary}::text[], ${cols.markdown}::text[], ${cols.size}::int[], ${cols.at}::timestamptz[])
        AS t(id, number, kind, parent, author, summary, markdown, size, at)`;
    await this.tx.$executeRaw`
      INSERT INTO imported_revisions (source, source_revision_id, revision_id)
      SELECT ${this.ctx.source}, s, r FROM unnest(${cols.source}::bigint[], ${cols.id}::int[]) AS t(s, r)`;
    await this.tx.$executeRaw`
      INSERT INTO revision_blames (revision_id, runs)
      SELECT r, string_to_array(b, ',')::int[] FROM unnest(${cols.id}::int[], ${cols.runs}::text[]) AS t(r, b) WHERE b <> ''`;
    await this.tx.$executeRaw`UPDATE pages SET latest_revision_id = ${this.latestId}, links_renderer = 0 WHERE id = ${this.page.id}`;
    this.added += fresh.length;
    this.ctx.summary.revisions += fresh.length;
  }

  async finish() {
    if (this.added === 0) return;
    await this.tx.$executeRaw`UPDATE pages SET updated_at = now() WHERE id = ${this.page.id}`;
  }

  /** The account holding `name`'s revisions from this source: found, or made (renamed when it must be). */
  private async author(name: string): Promise<string> {
    const cached = this.ctx.authors.get(name);
    if (cached) return cached;
    const found = await this.tx.importedAuthor.findUnique({ where: { source_name: { source: this.ctx.source, name } }, select: { userId: true } });
    let userId = found?.userId;
    if (!userId) {
      const username = await freeUsername(this.tx, name);
      const user = await this.tx.user.create({
        data: {
          username,
          usernameKey: usernameKey(username),
          // no password and an address that cannot receive mail: no way to sign in until an admin gives one
          email: `imported-${randomUUID()}@users.invalid`,
          displayName: name.slice(0, 100),
          passwordHash: null,
        },
        select: { id: true },
      });
      await this.tx.importedAuthor.create({ data: { source: this.ctx.source, name, userId: user.id } });
      userId = user.id;
      this.ctx.summary.users++;
      if (username !== name) this.ctx.summary.renamed.push({ from: name, to: username });
    }
    if (this.ctx.authors.size > 100_000) this.ctx.authors.clear();
    this.ctx.authors.set(name, userId);
    return userId;
  }
}

/** An edit summary as Vellum keeps them: one line, at most MAX_SUMMARY_LENGTH characters (a longer one is cut). */
function oneLine(text: string): string {
  return [...flattenSummary(text)].slice(0, MAX_SUMMARY_LENGTH).join("");
}

/**
 * A username for an imported author: their name in Vellum's alphabet (spaces as `_`, accents dropped), or, when
 * that is not a valid name or an account holds it already, `imported-<name>` with a number if needed. Never an
 * existing account's name: an imported author is never merged into a real person.
 */
async function freeUsername(tx: Tx, name: string): Promise<string> {
  const plain = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, "_").replace(/[^A-Za-z0-9_-]/g, "");
  const taken = async (u: string) => (await tx.user.count({ where: { usernameKey: usernameKey(u) } })) > 0;
  if (usernameSchema.safeParse(plain).success && !(await taken(plain))) return plain;
  const base = `imported-${plain || "user"}`.slice(0, 28);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base.padEnd(3, "_") : `${base}-${n}`;
    if (!(await taken(candidate))) return candidate;
  }
}

/** A run whose progress has not moved for this long is no longer running (its process stopped: run it again). */
const STALLED_MS = 60_000;

export type ImportRunView = {
  id: number; source: string | null; origin: string; status: "running" | "done" | "failed" | "stopped";
  bytesRead: number; bytesTotal: number | null; pages: number; revisions: number; users: number;
  skipped: { title: string; reason: string }[]; renamed: { from: string; to: string }[]; error: string | null;
  startedAt: string; updatedAt: string; finishedAt: string | null;
};

/** The latest import runs, newest first, with their progress (shell and API imports alike). */
export async function listImportRuns(limit = 10): Promise<ImportRunView[]> {
  const runs = await db().importRun.findMany({ orderBy: { id: "desc" }, take: limit });
  return runs.map((r) => ({
    id: r.id,
    source: r.source,
    origin: r.origin,
    status: r.status === "running" && Date.now() - r.updatedAt.getTime() > STALLED_MS ? "stopped" : (r.status as ImportRunView["status"]),
    bytesRead: Number(r.bytesRead),
    bytesTotal: r.bytesTotal === null ? null : Number(r.bytesTotal),
    pages: r.pages,
    revisions: r.revisions,
    users: r.users,
    skipped: r.skipped as ImportRunView["skipped"],
    renamed: r.renamed as ImportRunView["renamed"],
    error: r.error,
    startedAt: r.startedAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}
