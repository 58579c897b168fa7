import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { normaliseTitleParts } from "@/lib/wiki/title-rules.js";
import { lockTitles } from "@/lib/wiki/links";
import { refreshPageState } from "@/lib/wiki/startup";
import { readDump, type Chunks, type DumpEvent, type DumpRevision } from "./mediawiki-xml";
import { PageWriter, SourceClash, pageForImport, type ImportContext, type ImportSummary } from "./mediawiki-pages";

// Importing a MediaWiki export (decision 0023): one transaction per page, revisions written in batches as they are
// read (bounded memory whatever the page's history), each recorded in imported_revisions so that importing again,
// or again after a crash, adds nothing twice. Authors become accounts that cannot sign in; IP editors stay
// anonymous. Pages whose title Vellum refuses are skipped and listed. This file is the run (reading the export, which
// pages are taken or skipped, progress, the runs' list); mediawiki-pages.ts writes a page's revisions and authors.

export type { ImportSummary };

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
