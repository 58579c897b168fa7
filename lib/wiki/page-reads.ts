import "server-only";
import { db, sqlPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Protection } from "@/lib/auth/permissions";
import { getRenderedRevision, getRevisionMarkdown, type RenderedRevision } from "./revisions";
import { cached, pageCacheKey } from "@/lib/cache/page-cache";
import { colourLinks } from "./links";
import { slugOf } from "./titles";
import { commentCount } from "@/lib/talk/list-cache";
import { FILE_PREFIX } from "@/lib/markdown/render";
import { findFileWithVersions, type FileWithVersions } from "@/lib/files/reads";

// Reading pages: the current state a cached view checks, the view and the API's page object, the editor's
// source, a deleted page's notice, and the list of all pages.

/**
 * What a view needs to know is current: the revision, the version of what else it shows (link colours, the
 * comment count), and where it redirects.
 */
export type PageState = { revisionId: number; viewVersion: number; redirectTo: string | null; protection: Protection };

/**
 * Which revision of a page is current and which version of its links' colours: the one indexed lookup a cached
 * view makes (no text). A named prepared statement on Prisma's own pool, because it is the hottest query of all
 * and Prisma's per-query work costs more than the query itself (docs/decisions/0009-front-cache.md).
 */
export async function currentPageState(title: string): Promise<PageState | null> {
  const { rows } = await sqlPool().query<{ latest_revision_id: number | null; view_version: number; redirect_to: string | null; protection: Protection }>({
    name: "vellum-current-page-v2",
    text: "SELECT latest_revision_id, view_version, redirect_to, protection::text AS protection FROM pages WHERE title = $1",
    values: [title],
  });
  const row = rows[0];
  return row?.latest_revision_id ? { revisionId: row.latest_revision_id, viewVersion: row.view_version, redirectTo: row.redirect_to, protection: row.protection } : null;
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
  return { title, slug: slugOf(title), redirectTo: state.redirectTo, viewVersion: state.viewVersion, protection: state.protection, ...(await coloured(title, state)) };
}

/**
 * The current revision as viewed now: links coloured, and the talk page's comment count for the Discussion tab.
 * Both change only with the view version, so they are cached with it and the hot lookup reads neither.
 */
function coloured(title: string, state: PageState): Promise<RenderedRevision & { comments: number; file: FilePanel | null }> {
  return cached(pageCacheKey(["view", state.revisionId, state.viewVersion]), async () => {
    const [kept, comments, file] = await Promise.all([getRenderedRevision(state.revisionId), commentCount(title), filePanel(title)]);
    return { ...kept, html: await colourLinks(kept.html, kept.links), comments, file };
  }, { isRender: false }); // colouring is a lookup; the render (if any) is counted by getRenderedRevision
}

/** What a File: page shows above its description; it changes only with a new revision or view version. */
export type FilePanel = FileWithVersions;

/** The file of a File: page with its latest versions and the pages that show it (null for other pages, or none uploaded). */
async function filePanel(title: string): Promise<FilePanel | null> {
  return title.startsWith(FILE_PREFIX) ? findFileWithVersions(title, { limit: 20 }) : null;
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
