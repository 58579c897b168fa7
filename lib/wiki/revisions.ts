import "server-only";
import { retryLater } from "./render-retry-queue";
import { db, fromCurrentReplica, fromReplica } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { RENDERER_VERSION, type Heading, type Rendered, type WikiLink } from "@/lib/markdown/render";
import { renderBounded, type BoundedRender } from "@/lib/markdown/render-pool";
import { Prisma } from "@/lib/db";
import { cached, pageCacheKey } from "@/lib/cache/page-cache";
import { diffText } from "./diff";
import { slugOf } from "./titles";
import { colourLinks } from "./links";
import { mayReadSpace, type Access } from "@/lib/auth/access";

/** What a revision records (see RevisionKind in prisma/schema.prisma). */
export type RevisionKind = "create" | "edit" | "revert" | "move" | "delete" | "restore" | "upload";

/** Revision metadata as the API shows it. */
export type RevisionInfo = {
  id: number;
  number: number;
  kind: RevisionKind;
  createdAt: string;
  author: { username: string } | null;
  summary: string;
  size: number;
};

export type HistoryEntry = RevisionInfo & { sizeDelta: number };

export const revisionInfoSelect = {
  id: true,
  number: true,
  kind: true,
  createdAt: true,
  summary: true,
  size: true,
  author: { select: { username: true } },
} as const;

type RevisionRow = {
  id: number;
  number: number;
  kind: RevisionKind;
  createdAt: Date;
  summary: string;
  size: number;
  author: { username: string } | null;
};

/** Database row to API shape. */
export function toRevisionInfo(r: RevisionRow): RevisionInfo {
  return {
    id: r.id,
    number: r.number,
    kind: r.kind,
    createdAt: r.createdAt.toISOString(),
    author: r.author ? { username: r.author.username } : null,
    summary: r.summary,
    size: r.size,
  };
}

/**
 * A page's revisions, newest first, `limit` at a time; `before` is the revision number to continue below.
 * Uses the (page_id, number) index, so page 1 and page 100 cost the same.
 */
export async function listHistory(title: string, { limit, before }: { limit: number; before?: number }, access: Access) {
  // a list: from the standby when it has everything already written (decision 0026)
  const read = await fromCurrentReplica(async ({ db: client }) => {
    const found = await client.page.findUnique({ where: { title }, select: { id: true, readSpace: true } });
    if (!found || !mayReadSpace(access, found.readSpace)) return null;
    const rows = await client.revision.findMany({
      where: { pageId: found.id, ...(before ? { number: { lt: before } } : {}) },
      orderBy: { number: "desc" },
      take: limit + 1,
      select: { ...revisionInfoSelect, parent: { select: { size: true } } },
    });
    return { id: found.id, rows };
  });
  if (!read) throw new AppError("not_found", `There is no page called "${title}"`);
  const page = { id: read.id, title };
  const rows = read.rows;
  const more = rows.length > limit;
  const revisions: HistoryEntry[] = rows.slice(0, limit).map((r) => ({
    ...toRevisionInfo(r),
    sizeDelta: r.size - (r.parent?.size ?? 0),
  }));
  return { page, revisions, next: more ? String(revisions.at(-1)!.number) : null };
}

/**
 * What the page cache keeps for viewing a revision (its Markdown is kept apart: a view does not need it). The
 * HTML still has its wiki-link markers: colourLinks writes them out for the moment of the view.
 */
export type RenderedRevision = { html: string; toc: Heading[]; links: WikiLink[]; revision: RevisionInfo };

/**
 * A revision rendered, from the page cache (revisions are immutable, so the entry never goes stale). On a miss
 * the HTML comes from revision_renders, where it is kept once made; only a revision never rendered by this
 * renderer is rendered, once. So a page too large for memcached costs a row read per view, never a render.
 */
export function getRenderedRevision(id: number): Promise<RenderedRevision> {
  return cached(pageCacheKey(["rev", id, "view"]), async () => {
    const r = await fromReplica((client) =>
      client.revision.findUnique({
        where: { id },
        select: { ...revisionInfoSelect, render: { select: { renderer: true, html: true, toc: true, links: true } } },
      }),
    );
    if (!r) throw new AppError("not_found", `There is no revision ${id}`);
    const kept: Rendered =
      r.render?.renderer === RENDERER_VERSION
        ? { html: r.render.html, toc: r.render.toc as Heading[], links: r.render.links as WikiLink[] }
        : await renderRevision(id);
    return { html: kept.html, toc: kept.toc, links: kept.links, revision: toRevisionInfo(r) };
  });
}

/** Render a revision's Markdown (bounded, in a worker) and keep the HTML in revision_renders. */
async function renderRevision(id: number): Promise<Rendered> {
  const { markdown } = await db().revision.findUniqueOrThrow({ where: { id }, select: { markdown: true } });
  const result = await renderBounded(markdown);
  await keepRender(db(), id, result);
  return result.rendered;
}

/**
 * Store a revision's rendered HTML (replacing an older renderer's). One statement, so two instances rendering the
 * same revision at once both succeed. `tx` may be a transaction.
 */
export async function keepRender(tx: Prisma.TransactionClient, revisionId: number, { rendered, gaveUp }: BoundedRender) {
  await tx.$executeRaw`
    INSERT INTO revision_renders (revision_id, renderer, html, toc, links, gave_up)
    VALUES (${revisionId}, ${RENDERER_VERSION}, ${rendered.html}, ${JSON.stringify(rendered.toc)}::jsonb,
      ${JSON.stringify(rendered.links)}::jsonb, ${gaveUp})
    ON CONFLICT (revision_id) DO UPDATE SET renderer = EXCLUDED.renderer, html = EXCLUDED.html, toc = EXCLUDED.toc,
      links = EXCLUDED.links, gave_up = EXCLUDED.gave_up, created_at = now()`;
  // a deadline may be the machine's load, not the text's fault: rendered again when this process is idle
  if (gaveUp === "deadline") retryLater(revisionId);
}

/** Give revision `to` the kept render of revision `from` (same text, so same HTML), when it has a current one. */
export async function copyRender(tx: Prisma.TransactionClient, from: number, to: number) {
  await tx.$executeRaw`
    INSERT INTO revision_renders (revision_id, renderer, html, toc, links, gave_up)
    SELECT ${to}, renderer, html, toc, links, gave_up FROM revision_renders
    WHERE revision_id = ${from} AND renderer = ${RENDERER_VERSION}`;
}

/** A revision's Markdown, from the page cache. */
export function getRevisionMarkdown(id: number): Promise<string> {
  return cached(pageCacheKey(["rev", id, "src"]), async () => {
    const r = await fromReplica((client) => client.revision.findUnique({ where: { id }, select: { markdown: true } }));
    if (!r) throw new AppError("not_found", `There is no revision ${id}`);
    return r.markdown;
  }, { isRender: false });
}

/**
 * One revision with its page, text and rendered HTML (links coloured as they are now); 404 when it does not
 * exist or its page is deleted (its revisions come back with the page).
 */
export async function getRevisionOrThrow(id: number, access: Access) {
  const r = await db().revision.findUnique({
    where: { id },
    select: { page: { select: { title: true, latestRevisionId: true, readSpace: true } } },
  });
  // a revision of a page this reader may not read is no revision, whatever space it was written in
  if (!r || !mayReadSpace(access, r.page.readSpace)) throw new AppError("not_found", `There is no revision ${id}`);
  if (r.page.title === null) throw new AppError("not_found", `Revision ${id} belongs to a deleted page`);
  const [rendered, markdown] = await Promise.all([getRenderedRevision(id), getRevisionMarkdown(id)]);
  return {
    ...rendered.revision,
    page: { title: r.page.title, slug: slugOf(r.page.title) },
    isLatest: r.page.latestRevisionId === id,
    markdown,
    html: (await colourLinks(rendered.html, rendered.links, access)).html,
    toc: rendered.toc,
  };
}

/** The line diff between two revisions of the same page (`exact: false`: too different, shown wholly replaced). */
export async function diffRevisions(fromId: number, toId: number, access: Access) {
  // the revisions never change, but their page's title does (a move, a delete): read where everything already
  // written is (decision 0026)
  const rows = await fromCurrentReplica(({ db: client }) =>
    client.revision.findMany({
      where: { id: { in: [fromId, toId] } },
      select: { ...revisionInfoSelect, pageId: true, markdown: true, page: { select: { title: true, readSpace: true } } },
    }),
  );
  const readable = rows.filter((r) => mayReadSpace(access, r.page.readSpace));
  const from = readable.find((r) => r.id === fromId);
  const to = readable.find((r) => r.id === toId);
  if (!from) throw new AppError("not_found", `There is no revision ${fromId}`);
  if (!to) throw new AppError("not_found", `There is no revision ${toId}`);
  if (from.pageId !== to.pageId) throw new AppError("bad_request", "The two revisions belong to different pages");
  const title = from.page.title;
  if (title === null) throw new AppError("not_found", "These revisions belong to a deleted page");
  const { changes, exact } = diffText(from.markdown, to.markdown);
  return {
    page: { title, slug: slugOf(title) },
    from: toRevisionInfo(from),
    to: toRevisionInfo(to),
    changes,
    exact,
  };
}
