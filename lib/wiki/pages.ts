import "server-only";
import { db, sqlPool, Prisma } from "@/lib/db";
import { assertCanEdit, type Actor as PermissionActor, type Protection } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { mergeThreeWay } from "./merge";
import { copyRender, getRenderedRevision, getRevisionMarkdown, keepRender, revisionInfoSelect, toRevisionInfo, type RevisionInfo } from "./revisions";
import { renderBounded } from "@/lib/markdown/render-pool";
import { slugOf } from "./titles";
import { queueChangeMail } from "./notify";
import { wakeMailWorker } from "@/lib/mail/worker";

type Tx = Prisma.TransactionClient;

/** Interactive transactions queue for a pooled connection; many simultaneous saves must wait, not fail. */
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

/**
 * Which revision of a page is current: the one indexed lookup a cached view makes (no text). A named prepared
 * statement on Prisma's own pool, because it is the hottest query of all and Prisma's per-query work costs more
 * than the query itself (docs/decisions/0009-front-cache.md).
 */
export async function currentRevisionId(title: string): Promise<number | null> {
  const { rows } = await sqlPool().query<{ latest_revision_id: number | null }>({
    name: "vellum-current-revision",
    text: "SELECT latest_revision_id FROM pages WHERE title = $1",
    values: [title],
  });
  return rows[0]?.latest_revision_id ?? null;
}

async function latestRevisionIdOrThrow(title: string): Promise<number> {
  const id = await currentRevisionId(title);
  if (!id) throw new AppError("not_found", `There is no page called "${title}"`);
  return id;
}

/** A page's current revision rendered for viewing; 404 when the page does not exist. */
export async function getPageViewOrThrow(title: string) {
  const rendered = await getRenderedRevision(await latestRevisionIdOrThrow(title));
  return { title, slug: slugOf(title), ...rendered };
}

/** A page's current revision with its Markdown (the API's page object); 404 when the page does not exist. */
export async function getPageOrThrow(title: string) {
  const id = await latestRevisionIdOrThrow(title);
  const [rendered, markdown] = await Promise.all([getRenderedRevision(id), getRevisionMarkdown(id)]);
  return { title, slug: slugOf(title), markdown, html: rendered.html, toc: rendered.toc, revision: rendered.revision };
}

/** A page's latest text and revision id, for the editor; null when the page does not exist yet. */
export async function getPageSource(title: string) {
  const page = await db().page.findUnique({
    where: { title },
    select: { title: true, latestRevision: { select: { id: true, markdown: true } } },
  });
  return page?.latestRevision ? { title: page.title, revisionId: page.latestRevision.id, markdown: page.latestRevision.markdown } : null;
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

/**
 * Save a new revision, in one transaction. The page row is locked first (SELECT ... FOR UPDATE), so the check
 * "is the base still the latest revision" and the insert are atomic: of two saves from the same base, the
 * second sees the first's revision as latest and is merged three-way when the edits do not overlap, or refused
 * with 409 edit_conflict carrying the current text. See docs/decisions/0004-edit-conflicts.md.
 */
export async function savePage(req: SaveRequest): Promise<SaveResult> {
  // Rendered before the page is locked (it may take up to the render deadline) and kept with the revision when
  // the text saved is the text sent, so no reader ever waits for this revision's first render.
  const rendered = await renderBounded(req.markdown);
  const result = await db().$transaction(async (tx): Promise<SaveResult> => {
    let page = await lockPage(tx, req.title);
    assertCanEdit(req.author, page?.protection ?? "none");
    if (!page) {
      if (req.baseRevisionId !== null) {
        throw new AppError("not_found", `There is no page called "${req.title}" (it may have been removed)`);
      }
      // ON CONFLICT: a concurrent creator got there first; we then lock their row and report the conflict.
      await tx.$executeRaw`INSERT INTO pages (title) VALUES (${req.title}) ON CONFLICT (title) DO NOTHING`;
      page = await lockPage(tx, req.title);
      if (!page) throw new Error("page row vanished after insert");
      if (page.latest_revision_id === null) {
        const revision = await insertRevision(tx, page.id, null, req);
        await keepRender(tx, revision.id, rendered);
        return { status: "created", merged: false, title: req.title, revision };
      }
    }
    const latest = await tx.revision.findUniqueOrThrow({
      where: { id: page.latest_revision_id! },
      select: { ...revisionInfoSelect, markdown: true },
    });
    let markdown = req.markdown;
    let merged = false;
    if (req.baseRevisionId !== latest.id) {
      const base =
        req.baseRevisionId === null
          ? null
          : await tx.revision.findFirst({
              where: { id: req.baseRevisionId, pageId: page.id },
              select: { markdown: true },
            });
      const mergedText = base ? mergeThreeWay(base.markdown, req.markdown, latest.markdown) : null;
      if (mergedText === null) {
        throw new AppError("edit_conflict", "Someone else saved this page after you started editing", {
          current: { revisionId: latest.id, markdown: latest.markdown },
        });
      }
      markdown = mergedText;
      merged = true;
    }
    if (markdown === latest.markdown) {
      return { status: "unchanged", merged, title: req.title, revision: toRevisionInfo(latest) };
    }
    const revision = await insertRevision(tx, page.id, latest, { ...req, markdown });
    if (!merged) await keepRender(tx, revision.id, rendered);
    return { status: "updated", merged, title: req.title, revision };
  }, TX_OPTIONS);
  if (result.status !== "unchanged") wakeMailWorker();
  return result;
}

/**
 * Revert a page to an earlier revision: a new latest revision with that revision's text. Based on the latest
 * revision read inside the transaction, so a revert never loses a save that happened just before it.
 */
export async function revertPage(req: { title: string; revisionId: number; summary?: string; author: Actor }) {
  const result = await db().$transaction(async (tx) => {
    const page = await lockPage(tx, req.title);
    if (!page?.latest_revision_id) throw new AppError("not_found", `There is no page called "${req.title}"`);
    assertCanEdit(req.author, page.protection);
    const target = await tx.revision.findFirst({
      where: { id: req.revisionId, pageId: page.id },
      select: { id: true, number: true, markdown: true },
    });
    if (!target) throw new AppError("not_found", `Revision ${req.revisionId} is not a revision of "${req.title}"`);
    const latest = await tx.revision.findUniqueOrThrow({
      where: { id: page.latest_revision_id },
      select: { ...revisionInfoSelect, markdown: true },
    });
    if (latest.markdown === target.markdown) {
      return { status: "unchanged" as const, title: req.title, revision: toRevisionInfo(latest) };
    }
    const summary = req.summary || `Reverted to revision ${target.number}`;
    const revision = await insertRevision(tx, page.id, latest, { ...req, summary, markdown: target.markdown, reverted: true });
    // same text, same HTML: the reverted-to revision's kept render serves the new one too
    await copyRender(tx, target.id, revision.id);
    return { status: "updated" as const, title: req.title, revision };
  }, TX_OPTIONS);
  if (result.status === "updated") wakeMailWorker();
  return result;
}

async function lockPage(tx: Tx, title: string) {
  const rows = await tx.$queryRaw<{ id: number; latest_revision_id: number | null; protection: Protection }[]>`
    SELECT id, latest_revision_id, protection::text AS protection FROM pages WHERE title = ${title} FOR UPDATE`;
  return rows[0] ?? null;
}

/** Insert the next revision, point the page at it, and queue the change emails, all in `tx`. */
async function insertRevision(
  tx: Tx,
  pageId: number,
  parent: { id: number; number: number; markdown: string } | null,
  req: { title: string; markdown: string; summary?: string; author: Actor; reverted?: boolean },
): Promise<RevisionInfo> {
  const revision = await tx.revision.create({
    data: {
      pageId,
      number: (parent?.number ?? 0) + 1,
      parentId: parent?.id ?? null,
      authorId: req.author.id,
      summary: req.summary ?? "",
      markdown: req.markdown,
      size: Buffer.byteLength(req.markdown, "utf8"),
    },
    select: revisionInfoSelect,
  });
  await tx.page.update({ where: { id: pageId }, data: { latestRevisionId: revision.id } });
  await queueChangeMail(tx, {
    pageId,
    title: req.title,
    author: req.author,
    summary: req.summary ?? "",
    revision,
    parentRevisionId: parent?.id ?? null,
    before: parent?.markdown ?? "",
    after: req.markdown,
    reverted: req.reverted,
  });
  return toRevisionInfo(revision);
}

/** Page titles in alphabetical order, `limit` at a time, continuing after the title `after`. */
export async function listPages({ after, limit }: { after?: string; limit: number }) {
  const rows = await db().page.findMany({
    where: { latestRevisionId: { not: null }, ...(after ? { title: { gt: after } } : {}) },
    orderBy: { title: "asc" },
    take: limit + 1,
    select: { title: true },
  });
  const pages = rows.slice(0, limit);
  return { pages, next: rows.length > limit ? pages.at(-1)!.title : null };
}
