import "server-only";
import type { Tx } from "@/lib/db/transaction";
import { assertCanEdit, type Actor as PermissionActor, type Protection } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { assertSpaceAllowsEdit } from "@/lib/auth/access";
import { revisionInfoSelect, toRevisionInfo, type RevisionInfo, type RevisionKind } from "./revisions";
import { RENDERER_VERSION } from "@/lib/markdown/render";
import { bumpBacklinks, setPageLinks } from "./links";
import { queueChangeMail } from "./notify";
import { indexPage, searchDocument } from "./search-index";
import { recordBlame } from "./blame";

// The steps every change of a page takes inside its transaction (save, revert, move, delete, restore, the Main
// Page): lock the page, read its latest revision, insert the next one with its change mail, and record what the
// new text links to and says.

/** Who is saving: checked against the page's protection under the page lock, and named in change emails. */
export type Actor = PermissionActor & { id: string; username: string };

type LockedPage = { id: number; latest_revision_id: number | null; protection: Protection; redirect_to: string | null };

/** Lock the page row called `title` (FOR UPDATE), or null when there is none. */
export async function lockPage(tx: Tx, title: string): Promise<LockedPage | null> {
  const rows = await tx.$queryRaw<LockedPage[]>`
    SELECT id, latest_revision_id, protection::text AS protection, redirect_to FROM pages WHERE title = ${title} FOR UPDATE`;
  return rows[0] ?? null;
}

/** Lock the live page called `title`, or answer 404. */
export async function lockLivePageOrThrow(tx: Tx, title: string): Promise<LockedPage & { latest_revision_id: number }> {
  const page = await lockPage(tx, title);
  if (!page?.latest_revision_id) throw new AppError("not_found", `There is no page called "${title}"`);
  return page as LockedPage & { latest_revision_id: number };
}

/** Lock the live page called `title` for `actor`, who must be allowed to edit it (404, or 403 by its protection). */
export async function lockEditablePageOrThrow(tx: Tx, title: string, actor: Actor) {
  const page = await lockLivePageOrThrow(tx, title);
  assertCanEdit(actor, page.protection);
  await assertSpaceAllowsEdit(tx, title, actor);
  return page;
}

/** A revision with its text (the page's latest, read under the page lock). */
export async function revisionWithText(tx: Tx, id: number) {
  return tx.revision.findUniqueOrThrow({ where: { id }, select: { ...revisionInfoSelect, markdown: true } });
}

/**
 * Record what the page's current text links to, redirects to and says (for search: `html` is its render); when
 * `changesLinksHere` (the title became a page or a redirect, or stopped being one), the pages linking to it show
 * their links afresh.
 */
export async function setPageState(
  tx: Tx, pageId: number, title: string, html: string, targets: string[], redirectTo: string | null, changesLinksHere: boolean,
) {
  await setPageLinks(tx, pageId, targets);
  await tx.$executeRaw`
    UPDATE pages SET redirect_to = ${redirectTo}, links_renderer = ${RENDERER_VERSION} WHERE id = ${pageId}`;
  await indexPage(tx, pageId, searchDocument(title, html));
  if (changesLinksHere) await bumpBacklinks(tx, [title]);
}

/**
 * Insert the next revision, point the page at it, keep its blame, and queue the change emails, all in `tx`.
 * `sameAs`: the revision whose text a revert brings back (its lines keep their authors).
 */
export async function insertRevision(
  tx: Tx,
  pageId: number,
  parent: { id: number; number: number; markdown: string } | null,
  req: { title: string; markdown: string; summary?: string; author: Actor; kind: RevisionKind; mail?: boolean; sameAs?: number },
): Promise<RevisionInfo> {
  const revision = await tx.revision.create({
    data: {
      pageId,
      number: (parent?.number ?? 0) + 1,
      kind: req.kind,
      title: req.title,
      parentId: parent?.id ?? null,
      authorId: req.author.id,
      summary: req.summary ?? "",
      markdown: req.markdown,
      size: Buffer.byteLength(req.markdown, "utf8"),
    },
    select: revisionInfoSelect,
  });
  await tx.page.update({ where: { id: pageId }, data: { latestRevisionId: revision.id } });
  await recordBlame(tx, pageId, revision.id, parent, req.markdown, req.sameAs);
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
