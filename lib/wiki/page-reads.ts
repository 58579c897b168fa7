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
import { mayEditSpace, mayReadSpace, PUBLIC_ACCESS, visibleSql, type Access } from "@/lib/auth/access";

// Reading pages: the current state a cached view checks, the view and the API's page object, the editor's
// source, a deleted page's notice, and the list of all pages.

/**
 * What a view needs to know is current: the revision, the version of what else it shows (link colours, the
 * comment count), and where it redirects.
 */
export type PageState = { revisionId: number; viewVersion: number; redirectTo: string | null; protection: Protection; readSpace: string | null };

/**
 * Which revision of a page is current and which version of its links' colours: the one indexed lookup a cached
 * view makes (no text). A named prepared statement on Prisma's own pool, because it is the hottest query of all
 * and Prisma's per-query work costs more than the query itself (docs/decisions/0009-front-cache.md).
 */
export async function currentPageState(title: string): Promise<PageState | null> {
  const { rows } = await sqlPool().query<{ latest_revision_id: number | null; view_version: number; redirect_to: string | null; protection: Protection; read_space: string | null }>({
    name: "vellum-current-page-v3",
    text: "SELECT latest_revision_id, view_version, redirect_to, protection::text AS protection, read_space FROM pages WHERE title = $1",
    values: [title],
  });
  const row = rows[0];
  return row?.latest_revision_id
    ? { revisionId: row.latest_revision_id, viewVersion: row.view_version, redirectTo: row.redirect_to, protection: row.protection, readSpace: row.read_space }
    : null;
}

/** The page's current state when this reader may read it, else null: a page they may not read is no page (decision 0029). */
export async function readablePageState(title: string, access: Access): Promise<PageState | null> {
  const state = await currentPageState(title);
  return state && mayReadSpace(access, state.readSpace) ? state : null;
}

async function pageStateOrThrow(title: string, access: Access): Promise<PageState> {
  const state = await readablePageState(title, access);
  if (!state) throw new AppError("not_found", `There is no page called "${title}"`);
  return state;
}

/**
 * A page's current revision rendered for viewing by this reader, its links coloured as the pages they point to
 * are now for them; 404 when the page does not exist or they may not read it. Cached under the revision and the
 * page's view version (decision 0016), and the reader's audience when it depends on one (`bound`, decision 0029).
 */
export async function getPageViewOrThrow(title: string, access: Access) {
  const state = await pageStateOrThrow(title, access);
  const view = await coloured(title, state, access);
  return {
    title, slug: slugOf(title), redirectTo: state.redirectTo, viewVersion: state.viewVersion, protection: state.protection,
    readSpace: state.readSpace, audience: view.bound ? access.audience : null,
    // whether its space lets this reader's audience edit here (the role and protection are asked per reader)
    spaceEdit: mayEditSpace(access, view.editSpace), ...view,
  };
}

type ColouredView = RenderedRevision & { comments: number; file: FilePanel | null; bound: boolean; readers: string[] | null; editSpace: string | null };

/**
 * The current revision as viewed now: links coloured, and the talk page's comment count for the Discussion tab.
 * Both change only with the view version, so they are cached with it and the hot lookup reads neither. Made once
 * for readers of no private space; when it depends on the audience (a private page, a File: page, which lists the
 * pages showing it, or a link to a private page) it is made again for each audience that reads it.
 */
async function coloured(title: string, state: PageState, access: Access): Promise<ColouredView> {
  const make = (as: Access) => async (): Promise<ColouredView> => {
    const [kept, comments, file, space] = await Promise.all([getRenderedRevision(state.revisionId), commentCount(title), filePanel(title, as), spaceFacts(title)]);
    const { html, bound } = await colourLinks(kept.html, kept.links, as);
    const readers = state.readSpace !== null ? (space?.read ?? []) : null;
    const editSpace = space && !space.editAll ? space.prefix : null;
    return { ...kept, html, comments, file, readers, editSpace, bound: bound || state.readSpace !== null || editSpace !== null || title.startsWith(FILE_PREFIX) };
  };
  // colouring is a lookup; the render (if any) is counted by getRenderedRevision
  const shared = await cached(pageCacheKey(["view", state.revisionId, state.viewVersion]), make(PUBLIC_ACCESS), { isRender: false });
  if (!shared.bound || access.audience === PUBLIC_ACCESS.audience) return shared;
  return cached(pageCacheKey(["view", state.revisionId, state.viewVersion, access.audience]), make(access), { isRender: false });
}

/** The space covering `title` (who may read it, as its insiders are shown; whether every editor may edit), or null. */
async function spaceFacts(title: string): Promise<{ prefix: string; read: string[]; editAll: boolean } | null> {
  const rows = await db().$queryRaw<{ prefix: string; read: string[]; editAll: boolean }[]>`
    SELECT s.prefix, ARRAY(SELECT vellum_principal_name(p) FROM unnest(s.read) AS p) AS read, s.edit_all AS "editAll"
    FROM vellum_space_of(${title}) s WHERE s.prefix IS NOT NULL`;
  return rows[0] ?? null;
}

/** What a File: page shows above its description; it changes only with a new revision or view version. */
export type FilePanel = FileWithVersions;

/** The file of a File: page with its latest versions and the pages that show it (null for other pages, or none uploaded). */
async function filePanel(title: string, access: Access): Promise<FilePanel | null> {
  return title.startsWith(FILE_PREFIX) ? findFileWithVersions(title, { limit: 20 }, access) : null;
}

/** A page's current revision with its Markdown (the API's page object); 404 when the page does not exist or this reader may not read it. */
export async function getPageOrThrow(title: string, access: Access) {
  const state = await pageStateOrThrow(title, access);
  const [rendered, markdown] = await Promise.all([coloured(title, state, access), getRevisionMarkdown(state.revisionId)]);
  const redirectTo = state.redirectTo ? { title: state.redirectTo, slug: slugOf(state.redirectTo) } : null;
  return { title, slug: slugOf(title), markdown, html: rendered.html, toc: rendered.toc, revision: rendered.revision, redirectTo };
}

/** When and why the page last called `title` was deleted (null when no deleted page this reader may read had that title). */
export async function deletionOf(title: string, access: Access) {
  const page = await db().page.findFirst({
    where: { deletedTitle: title },
    orderBy: { deletedAt: "desc" },
    select: { deletedAt: true, deletedReason: true, readSpace: true, latestRevision: { select: { author: { select: { username: true } } } } },
  });
  if (!page?.deletedAt || !mayReadSpace(access, page.readSpace)) return null;
  return { at: page.deletedAt.toISOString(), reason: page.deletedReason ?? "", by: page.latestRevision?.author?.username ?? null };
}

/** A page's latest text and revision id, for the editor; null when the page does not exist yet (or this reader may not read it). */
export async function getPageSource(title: string, access: Access) {
  const page = await db().page.findUnique({
    where: { title },
    select: { readSpace: true, latestRevision: { select: { id: true, markdown: true } } },
  });
  return page?.latestRevision && mayReadSpace(access, page.readSpace) ? { title, revisionId: page.latestRevision.id, markdown: page.latestRevision.markdown } : null;
}

/** Titles of the pages this reader may read, in alphabetical order, `limit` at a time, continuing after the title `after`. */
export async function listPages({ after, limit }: { after?: string; limit: number }, access: Access) {
  const rows = await db().$queryRaw<{ title: string; redirect_to: string | null; updated_at: Date }[]>`
    SELECT p.title, p.redirect_to, p.updated_at FROM pages p
    WHERE p.latest_revision_id IS NOT NULL AND p.title IS NOT NULL AND (${after ?? null}::text IS NULL OR p.title > ${after ?? null}::text)
      AND ${visibleSql("p", access)}
    ORDER BY p.title LIMIT ${limit + 1}`;
  const pages = rows.slice(0, limit).map((r) => ({
    title: r.title,
    slug: slugOf(r.title),
    updatedAt: r.updated_at.toISOString(),
    redirect: r.redirect_to !== null,
  }));
  return { pages, next: rows.length > limit ? pages.at(-1)!.title : null };
}
