import "server-only";
import { db, sqlPool } from "@/lib/db";
import { inTransaction, type Tx } from "@/lib/db/transaction";
import { assertAdmin, assertCanEdit, type Actor as PermissionActor, type Protection } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { mergeThreeWay } from "./merge";
import { copyRender, getRenderedRevision, getRevisionMarkdown, keepRender, revisionInfoSelect, toRevisionInfo, type RenderedRevision, type RevisionInfo, type RevisionKind } from "./revisions";
import { renderBounded, type BoundedRender } from "@/lib/markdown/render-pool";
import { RENDERER_VERSION, redirectTarget } from "@/lib/markdown/render";
import { cached, pageCacheKey } from "@/lib/cache/page-cache";
import { bumpBacklinks, colourLinks, linkTargets, lockTitles, setPageLinks } from "./links";
import { slugOf } from "./titles";
import { queueChangeMail } from "./notify";
import { wakeMailWorker } from "@/lib/mail/worker";
import { commentCount, forgetTalkLists, moveTalk } from "@/lib/talk/comments";
import { indexPage, reindexTitle, searchDocument } from "./search-index";

/**
 * What a view needs to know is current: the revision, the version of what else it shows (link colours, the
 * comment count), and where it redirects.
 */
export type PageState = { revisionId: number; viewVersion: number; redirectTo: string | null };

/**
 * Which revision of a page is current and which version of its links' colours: the one indexed lookup a cached
 * view makes (no text). A named prepared statement on Prisma's own pool, because it is the hottest query of all
 * and Prisma's per-query work costs more than the query itself (docs/decisions/0009-front-cache.md).
 */
export async function currentPageState(title: string): Promise<PageState | null> {
  const { rows } = await sqlPool().query<{ latest_revision_id: number | null; view_version: number; redirect_to: string | null }>({
    name: "vellum-current-page",
    text: "SELECT latest_revision_id, view_version, redirect_to FROM pages WHERE title = $1",
    values: [title],
  });
  const row = rows[0];
  return row?.latest_revision_id ? { revisionId: row.latest_revision_id, viewVersion: row.view_version, redirectTo: row.redirect_to } : null;
}

async function pageStateOrThrow(title: string): Promise<PageState> {
  const state = await currentPageState(title);
  if (!state) throw new AppError("not_found", `There is no page called "${title}"`);
  return state;
}

/**
 * A page's current revision rendered for viewing, its links coloured as the pages they point to are now; 404
 * when the page does not exist. Cached under the revision and the page's view version (decision 0016).
 */
export async function getPageViewOrThrow(title: string) {
  const state = await pageStateOrThrow(title);
  return { title, slug: slugOf(title), redirectTo: state.redirectTo, viewVersion: state.viewVersion, ...(await coloured(title, state)) };
}

/**
 * The current revision as viewed now: links coloured, and the talk page's comment count for the Discussion tab.
 * Both change only with the view version, so they are cached with it and the hot lookup reads neither.
 */
function coloured(title: string, state: PageState): Promise<RenderedRevision & { comments: number }> {
  return cached(pageCacheKey(["view", state.revisionId, state.viewVersion]), async () => {
    const [kept, comments] = await Promise.all([getRenderedRevision(state.revisionId), commentCount(title)]);
    return { ...kept, html: await colourLinks(kept.html, kept.links), comments };
  }, { isRender: false }); // colouring is a lookup; the render (if any) is counted by getRenderedRevision
}

/** A page's current revision with its Markdown (the API's page object); 404 when the page does not exist. */
export async function getPageOrThrow(title: string) {
  const state = await pageStateOrThrow(title);
  const [rendered, markdown] = await Promise.all([coloured(title, state), getRevisionMarkdown(state.revisionId)]);
  const redirectTo = state.redirectTo ? { title: state.redirectTo, slug: slugOf(state.redirectTo) } : null;
  return { title, slug: slugOf(title), markdown, html: rendered.html, toc: rendered.toc, revision: rendered.revision, redirectTo };
}

/** When and why the page last called `title` was deleted (null when no deleted page had that title). */
export async function deletionOf(title: string) {
  const page = await db().page.findFirst({
    where: { deletedTitle: title },
    orderBy: { deletedAt: "desc" },
    select: { deletedAt: true, deletedReason: true, latestRevision: { select: { author: { select: { username: true } } } } },
  });
  if (!page?.deletedAt) return null;
  return { at: page.deletedAt.toISOString(), reason: page.deletedReason ?? "", by: page.latestRevision?.author?.username ?? null };
}

/** A page's latest text and revision id, for the editor; null when the page does not exist yet. */
export async function getPageSource(title: string) {
  const page = await db().page.findUnique({
    where: { title },
    select: { latestRevision: { select: { id: true, markdown: true } } },
  });
  return page?.latestRevision ? { title, revisionId: page.latestRevision.id, markdown: page.latestRevision.markdown } : null;
}

export type SaveResult = {
  status: "created" | "updated" | "unchanged";
  merged: boolean;
  title: string;
  revision: RevisionInfo;
};

/** Who is saving: checked against the page's protection under the page lock, and named in change emails. */
type Actor = PermissionActor & { id: string; username: string };

type SaveRequest = {
  title: string;
  markdown: string;
  summary?: string;
  /** The revision the editor started from; null to create the page. */
  baseRevisionId: number | null;
  author: Actor;
};

/** Ways a transaction asks to be run again with different inputs (never seen outside this module). */
class NeedsTitleLock extends Error {}
class MergedText extends Error {
  constructor(readonly markdown: string, readonly latestId: number) {
    super("merged");
  }
}

/** How often a save may be tried again (after a merge, or to take its title's lock): then it is a conflict. */
const MAX_ATTEMPTS = 4;

/**
 * Save a new revision, in one transaction. The page row is locked first (SELECT ... FOR UPDATE), so the check
 * "is the base still the latest revision" and the insert are atomic: of two saves from the same base, the
 * second sees the first's revision as latest and is merged three-way when the edits do not overlap, or refused
 * with 409 edit_conflict carrying the current text. See docs/decisions/0004-edit-conflicts.md.
 *
 * The text is rendered before the transaction (it may take up to the render deadline) and kept with the revision,
 * with its links written to the link graph in the same transaction. A merged text is a new text: it is rendered
 * and the save tried again from the revision it was merged with.
 */
export async function savePage(req: SaveRequest): Promise<SaveResult> {
  let request = req;
  let merged = false;
  let rendered = await renderBounded(req.markdown);
  // Creating a title or turning a page into a redirect (or back) changes how links to it show: such a save
  // takes its title's lock exclusively. Guessed here, checked under the page lock.
  const before = await currentPageState(req.title);
  let titleLock = !before || before.redirectTo !== redirectTarget(req.markdown);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await inTransaction((tx) => saveOnce(tx, request, rendered, titleLock, merged));
      if (result.status !== "unchanged") wakeMailWorker();
      return result;
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS) throw e instanceof MergedText || e instanceof NeedsTitleLock ? busyConflict() : e;
      if (e instanceof NeedsTitleLock) {
        titleLock = true;
      } else if (e instanceof MergedText) {
        request = { ...request, markdown: e.markdown, baseRevisionId: e.latestId };
        merged = true;
        rendered = await renderBounded(e.markdown);
        titleLock = titleLock || redirectTarget(e.markdown) !== (before?.redirectTo ?? null);
      } else {
        throw e;
      }
    }
  }
}

function busyConflict() {
  return new AppError("conflict", "This page is changing too quickly to save; try again");
}

async function saveOnce(tx: Tx, req: SaveRequest, rendered: BoundedRender, titleLock: boolean, merged: boolean): Promise<SaveResult> {
  const targets = linkTargets(rendered.rendered.links);
  await lockTitles(tx, { shared: targets, exclusive: titleLock ? [req.title] : [] });
  let page = await lockPage(tx, req.title);
  assertCanEdit(req.author, page?.protection ?? "none");
  const redirectTo = redirectTarget(req.markdown);
  if (!page || page.latest_revision_id === null) {
    if (req.baseRevisionId !== null) {
      throw new AppError("not_found", `There is no page called "${req.title}" (it may have been removed)`);
    }
    if (!titleLock) throw new NeedsTitleLock();
    // ON CONFLICT: a concurrent creator got there first; we then lock their row and report the conflict.
    await tx.$executeRaw`INSERT INTO pages (title) VALUES (${req.title}) ON CONFLICT (title) DO NOTHING`;
    page = await lockPage(tx, req.title);
    if (!page) throw new Error("page row vanished after insert");
    if (page.latest_revision_id === null) {
      const revision = await insertRevision(tx, page.id, null, { ...req, kind: "create" });
      await keepRender(tx, revision.id, rendered);
      await setPageState(tx, page.id, req.title, rendered.rendered.html, targets, redirectTo, true);
      return { status: "created", merged: false, title: req.title, revision };
    }
  }
  const latest = await tx.revision.findUniqueOrThrow({
    where: { id: page.latest_revision_id! },
    select: { ...revisionInfoSelect, markdown: true },
  });
  if (req.baseRevisionId !== latest.id) {
    const base =
      req.baseRevisionId === null
        ? null
        : await tx.revision.findFirst({ where: { id: req.baseRevisionId, pageId: page.id }, select: { markdown: true } });
    const mergedText = base ? mergeThreeWay(base.markdown, req.markdown, latest.markdown) : null;
    if (mergedText === null) {
      throw new AppError("edit_conflict", "Someone else saved this page after you started editing", {
        current: { revisionId: latest.id, markdown: latest.markdown },
      });
    }
    if (mergedText === latest.markdown) {
      return { status: "unchanged", merged: true, title: req.title, revision: toRevisionInfo(latest) };
    }
    throw new MergedText(mergedText, latest.id);
  }
  if (req.markdown === latest.markdown) {
    return { status: "unchanged", merged, title: req.title, revision: toRevisionInfo(latest) };
  }
  const transition = (page.redirect_to ?? null) !== redirectTo;
  if (transition && !titleLock) throw new NeedsTitleLock();
  const revision = await insertRevision(tx, page.id, latest, { ...req, kind: "edit" });
  await keepRender(tx, revision.id, rendered);
  await setPageState(tx, page.id, req.title, rendered.rendered.html, targets, redirectTo, transition);
  return { status: "updated", merged, title: req.title, revision };
}

/**
 * Record what the page's current text links to, redirects to and says (for search: `html` is its render); when
 * `changesLinksHere` (the title became a page or a redirect, or stopped being one), the pages linking to it show
 * their links afresh.
 */
async function setPageState(
  tx: Tx, pageId: number, title: string, html: string, targets: string[], redirectTo: string | null, changesLinksHere: boolean,
) {
  await setPageLinks(tx, pageId, targets);
  await tx.$executeRaw`
    UPDATE pages SET redirect_to = ${redirectTo}, links_renderer = ${RENDERER_VERSION} WHERE id = ${pageId}`;
  await indexPage(tx, pageId, searchDocument(title, html));
  if (changesLinksHere) await bumpBacklinks(tx, [title]);
}

/**
 * Revert a page to an earlier revision: a new latest revision with that revision's text. Based on the latest
 * revision read inside the transaction, so a revert never loses a save that happened just before it.
 */
export async function revertPage(req: { title: string; revisionId: number; summary?: string; author: Actor }) {
  // the reverted-to revision's HTML and links (made now if never kept), read before any lock is taken
  const target = await getRenderedRevision(req.revisionId).catch((e: unknown) => {
    throw e instanceof AppError ? new AppError("not_found", `Revision ${req.revisionId} is not a revision of "${req.title}"`) : e;
  });
  const targets = linkTargets(target.links);
  const result = await inTransaction(async (tx) => {
    await lockTitles(tx, { shared: targets, exclusive: [req.title] });
    const page = await lockPage(tx, req.title);
    if (!page?.latest_revision_id) throw new AppError("not_found", `There is no page called "${req.title}"`);
    assertCanEdit(req.author, page.protection);
    const old = await tx.revision.findFirst({
      where: { id: req.revisionId, pageId: page.id },
      select: { id: true, number: true, markdown: true },
    });
    if (!old) throw new AppError("not_found", `Revision ${req.revisionId} is not a revision of "${req.title}"`);
    const latest = await tx.revision.findUniqueOrThrow({
      where: { id: page.latest_revision_id },
      select: { ...revisionInfoSelect, markdown: true },
    });
    if (latest.markdown === old.markdown) {
      return { status: "unchanged" as const, title: req.title, revision: toRevisionInfo(latest) };
    }
    const summary = req.summary || `Reverted to revision ${old.number}`;
    const revision = await insertRevision(tx, page.id, latest, { ...req, summary, markdown: old.markdown, kind: "revert" });
    // same text, same HTML: the reverted-to revision's kept render serves the new one too
    await copyRender(tx, old.id, revision.id);
    const redirectTo = redirectTarget(old.markdown);
    await setPageState(tx, page.id, req.title, target.html, targets, redirectTo, (page.redirect_to ?? null) !== redirectTo);
    return { status: "updated" as const, title: req.title, revision };
  });
  if (result.status === "updated") wakeMailWorker();
  return result;
}

type LockedPage = { id: number; latest_revision_id: number | null; protection: Protection; redirect_to: string | null };

async function lockPage(tx: Tx, title: string): Promise<LockedPage | null> {
  const rows = await tx.$queryRaw<LockedPage[]>`
    SELECT id, latest_revision_id, protection::text AS protection, redirect_to FROM pages WHERE title = ${title} FOR UPDATE`;
  return rows[0] ?? null;
}

/**
 * Rename a page: its history, watches and protection go with it (they belong to the page, not the title), and so
 * does its discussion. By default a redirect is left at the old title. The move is an entry in the page's
 * history. 409 when the new title is taken; protection of the page applies.
 */
export async function movePage(req: { from: string; to: string; leaveRedirect: boolean; summary?: string; author: Actor }) {
  if (req.from === req.to) throw new AppError("bad_request", "A page cannot be moved onto its own title");
  const redirectText = `#REDIRECT [[${req.to}]]\n`;
  const redirectRender = req.leaveRedirect ? await renderBounded(redirectText) : null;
  const result = await inTransaction(async (tx) => {
    await lockTitles(tx, { exclusive: [req.from, req.to] });
    const page = await lockPage(tx, req.from);
    if (!page?.latest_revision_id) throw new AppError("not_found", `There is no page called "${req.from}"`);
    assertCanEdit(req.author, page.protection);
    const taken = await tx.page.findUnique({ where: { title: req.to }, select: { latestRevisionId: true } });
    if (taken?.latestRevisionId) throw new AppError("conflict", `There is already a page called "${req.to}"`);
    if (taken) await tx.page.delete({ where: { title: req.to } }); // a row left without any revision
    const latest = await tx.revision.findUniqueOrThrow({
      where: { id: page.latest_revision_id },
      select: { ...revisionInfoSelect, markdown: true },
    });
    const summary = `Moved “${req.from}” to “${req.to}”` + (req.summary ? `: ${req.summary}` : "");
    await tx.$executeRaw`UPDATE pages SET title = ${req.to} WHERE id = ${page.id}`;
    await reindexTitle(tx, page.id, req.to);
    const revision = await insertRevision(tx, page.id, latest, { title: req.to, markdown: latest.markdown, summary, author: req.author, kind: "move" });
    await copyRender(tx, latest.id, revision.id);
    if (redirectRender) {
      const created = await tx.page.create({ data: { title: req.from }, select: { id: true } });
      const left = await insertRevision(tx, created.id, null, {
        title: req.from,
        markdown: redirectText,
        summary: `Redirect left by moving the page to “${req.to}”`,
        author: req.author,
        kind: "create",
        mail: false, // the move's own email says it
      });
      await keepRender(tx, left.id, redirectRender);
      await setPageState(tx, created.id, req.from, redirectRender.rendered.html, linkTargets(redirectRender.rendered.links), req.to, false);
    }
    // links to the old title now show a redirect or a red link, links to the new one a page
    await bumpBacklinks(tx, [req.from, req.to]);
    await moveTalk(tx, req.from, req.to);
    return { from: req.from, to: req.to, redirect: redirectRender !== null, revision };
  });
  await forgetTalkLists([req.from, req.to]);
  wakeMailWorker();
  return result;
}

/**
 * Delete a page (admins): it leaves every title lookup, list and the link graph; its revisions are kept, with
 * the deletion as the last, for a restore. Its title is free meanwhile.
 */
export async function deletePage(req: { title: string; reason: string; author: Actor }) {
  assertAdmin(req.author);
  const result = await inTransaction(async (tx) => {
    await lockTitles(tx, { exclusive: [req.title] });
    const page = await lockPage(tx, req.title);
    if (!page?.latest_revision_id) throw new AppError("not_found", `There is no page called "${req.title}"`);
    const latest = await tx.revision.findUniqueOrThrow({
      where: { id: page.latest_revision_id },
      select: { ...revisionInfoSelect, markdown: true },
    });
    const summary = req.reason ? `Deleted: ${req.reason}` : "Deleted";
    const revision = await insertRevision(tx, page.id, latest, { title: req.title, markdown: latest.markdown, summary, author: req.author, kind: "delete" });
    await copyRender(tx, latest.id, revision.id);
    await indexPage(tx, page.id, null);
    await tx.$executeRaw`
      UPDATE pages SET title = NULL, deleted_title = ${req.title}, deleted_at = now(), deleted_reason = ${req.reason},
        redirect_to = NULL WHERE id = ${page.id}`;
    await setPageLinks(tx, page.id, []);
    await bumpBacklinks(tx, [req.title]);
    return { title: req.title, revision };
  });
  wakeMailWorker();
  return result;
}

/** Bring back the page last deleted under `title` (admins), with its history; 409 when the title is taken. */
export async function restorePage(req: { title: string; summary?: string; author: Actor }) {
  assertAdmin(req.author);
  const deleted = await db().page.findFirst({
    where: { deletedTitle: req.title, title: null },
    orderBy: { deletedAt: "desc" },
    select: { id: true, latestRevisionId: true },
  });
  if (!deleted?.latestRevisionId) throw new AppError("not_found", `No deleted page was called "${req.title}"`);
  const kept = await getRenderedRevision(deleted.latestRevisionId);
  const targets = linkTargets(kept.links);
  const result = await inTransaction(async (tx) => {
    await lockTitles(tx, { shared: targets, exclusive: [req.title] });
    const rows = await tx.$queryRaw<{ latest_revision_id: number; title: string | null }[]>`
      SELECT latest_revision_id, title FROM pages WHERE id = ${deleted.id} FOR UPDATE`;
    if (!rows[0] || rows[0].title !== null || rows[0].latest_revision_id !== deleted.latestRevisionId) {
      throw new AppError("conflict", "The page changed while it was being restored; try again");
    }
    const taken = await tx.page.findUnique({ where: { title: req.title }, select: { latestRevisionId: true } });
    if (taken?.latestRevisionId) {
      throw new AppError("conflict", `A new page called "${req.title}" exists: move it to another title first`);
    }
    if (taken) await tx.page.delete({ where: { title: req.title } });
    const latest = await tx.revision.findUniqueOrThrow({
      where: { id: deleted.latestRevisionId! },
      select: { ...revisionInfoSelect, markdown: true },
    });
    await tx.$executeRaw`
      UPDATE pages SET title = ${req.title}, deleted_title = NULL, deleted_at = NULL, deleted_reason = NULL WHERE id = ${deleted.id}`;
    const summary = req.summary ? `Restored: ${req.summary}` : "Restored";
    const revision = await insertRevision(tx, deleted.id, latest, { title: req.title, markdown: latest.markdown, summary, author: req.author, kind: "restore" });
    await copyRender(tx, latest.id, revision.id);
    await setPageState(tx, deleted.id, req.title, kept.html, targets, redirectTarget(latest.markdown), true);
    return { title: req.title, revision };
  });
  wakeMailWorker();
  return result;
}

/** Insert the next revision, point the page at it, and queue the change emails, all in `tx`. */
async function insertRevision(
  tx: Tx,
  pageId: number,
  parent: { id: number; number: number; markdown: string } | null,
  req: { title: string; markdown: string; summary?: string; author: Actor; kind: RevisionKind; mail?: boolean },
): Promise<RevisionInfo> {
  const revision = await tx.revision.create({
    data: {
      pageId,
      number: (parent?.number ?? 0) + 1,
      kind: req.kind,
      parentId: parent?.id ?? null,
      authorId: req.author.id,
      summary: req.summary ?? "",
      markdown: req.markdown,
      size: Buffer.byteLength(req.markdown, "utf8"),
    },
    select: revisionInfoSelect,
  });
  await tx.page.update({ where: { id: pageId }, data: { latestRevisionId: revision.id } });
  if (req.mail === false) return toRevisionInfo(revision);
  await queueChangeMail(tx, {
    pageId,
    title: req.title,
    author: req.author,
    summary: req.summary ?? "",
    revision,
    kind: req.kind,
    parentRevisionId: parent?.id ?? null,
    before: parent?.markdown ?? "",
    after: req.markdown,
  });
  return toRevisionInfo(revision);
}

/** Page titles in alphabetical order, `limit` at a time, continuing after the title `after`. */
export async function listPages({ after, limit }: { after?: string; limit: number }) {
  const rows = await db().page.findMany({
    where: { latestRevisionId: { not: null }, title: after ? { gt: after } : { not: null } },
    orderBy: { title: "asc" },
    take: limit + 1,
    select: { title: true, redirectTo: true, updatedAt: true },
  });
  const pages = rows.slice(0, limit).map((r) => ({
    title: r.title!,
    slug: slugOf(r.title!),
    updatedAt: r.updatedAt.toISOString(),
    redirect: r.redirectTo !== null,
  }));
  return { pages, next: rows.length > limit ? pages.at(-1)!.title : null };
}

/**
 * Bring the link graph up to date for pages whose links were last read by an older renderer (after an upgrade):
 * `batch` pages at a time, each in its own transaction under the same locks as a save. Returns how many it did.
 */
export async function refreshStaleLinks(batch = 20): Promise<number> {
  const stale = await db().page.findMany({
    where: { title: { not: null }, latestRevisionId: { not: null }, linksRenderer: { lt: RENDERER_VERSION } },
    orderBy: { id: "asc" },
    take: batch,
    select: { id: true, title: true, latestRevisionId: true },
  });
  for (const page of stale) {
    const title = page.title!;
    const kept = await getRenderedRevision(page.latestRevisionId!);
    const targets = linkTargets(kept.links);
    await inTransaction(async (tx) => {
      await lockTitles(tx, { shared: targets, exclusive: [title] });
      const locked = await lockPage(tx, title);
      if (locked?.id !== page.id || locked.latest_revision_id !== page.latestRevisionId) return; // saved meanwhile
      const markdown = await getRevisionMarkdown(page.latestRevisionId!);
      const redirectTo = redirectTarget(markdown);
      await setPageState(tx, page.id, title, kept.html, targets, redirectTo, (locked.redirect_to ?? null) !== redirectTo);
    });
  }
  return stale.length;
}

let refreshing = false;

/** Run refreshStaleLinks in the background after start-up until nothing is left (failures are logged). */
export function startLinksRefresh(): void {
  if (refreshing) return;
  refreshing = true;
  const step = async () => {
    try {
      if ((await refreshStaleLinks()) > 0) setTimeout(() => void step(), 50).unref();
      else refreshing = false;
    } catch (e) {
      console.error("[vellum] links refresh failed; tried again at the next start:", e);
      refreshing = false;
    }
  };
  setTimeout(() => void step(), 1000).unref();
}

/** The welcome a fresh wiki starts with (Markdown; any editor may change it like every page). */
export const MAIN_PAGE_TITLE = "Main Page";
const WELCOME = `Welcome to this wiki. Every page here can be improved by anyone with an account.

## Getting started

- **Edit** a page with its *Edit* tab. Pages are written in [Markdown](https://commonmark.org/help/); the editor shows a preview as you type, and every save is kept in the page's *History*.
- **Link** pages with double brackets: \`[[Page title]]\`, or \`[[Page title|other words]]\`. A link to a page nobody has written yet shows in red: follow it to write that page. [[Sandbox|Try it in the sandbox]].
- **Search** with the box at the top of every page. If a page has exactly the title you type, you go straight to it.
- **Discuss** a page on its *Discussion* tab, and see what everyone changed in [Recent changes](/recent-changes).
`;

/**
 * Create the Main Page on a fresh wiki (no page has ever existed), once, whichever instance starts first. Not a
 * migration: the text is the wiki's first revision, by nobody, edited like any other page afterwards.
 */
export async function ensureMainPage(): Promise<boolean> {
  const rendered = await renderBounded(WELCOME);
  const targets = linkTargets(rendered.rendered.links);
  return inTransaction(async (tx) => {
    await lockTitles(tx, { shared: targets, exclusive: [MAIN_PAGE_TITLE] });
    // serialise the instances starting together, then look: any page row at all means the wiki is not fresh
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(7260001)::text AS locked`;
    const any = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM pages LIMIT 1) x`;
    if ((any[0]?.n ?? 0) > 0) return false;
    const page = await tx.page.create({ data: { title: MAIN_PAGE_TITLE }, select: { id: true } });
    const revision = await tx.revision.create({
      data: { pageId: page.id, number: 1, kind: "create", summary: "Welcome", markdown: WELCOME, size: Buffer.byteLength(WELCOME, "utf8") },
      select: { id: true },
    });
    await tx.page.update({ where: { id: page.id }, data: { latestRevisionId: revision.id } });
    await keepRender(tx, revision.id, rendered);
    await setPageState(tx, page.id, MAIN_PAGE_TITLE, rendered.rendered.html, targets, null, true);
    return true;
  });
}
