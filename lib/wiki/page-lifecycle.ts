import "server-only";
import { db } from "@/lib/db";
import { inTransaction } from "@/lib/db/transaction";
import { assertAdmin, assertCanEdit } from "@/lib/auth/permissions";
import { assertSpaceAllowsEdit } from "@/lib/auth/access";
import { AppError } from "@/lib/errors";
import { copyRender, getRenderedRevision, keepRender, toRevisionInfo } from "./revisions";
import { renderBounded } from "@/lib/markdown/render-pool";
import { FILE_PREFIX, redirectTarget } from "@/lib/markdown/render";
import { bumpBacklinks, linkTargets, lockTitles, setPageLinks } from "./links";
import { wakeMailWorker } from "@/lib/mail/worker";
import { forgetTalkLists } from "@/lib/talk/list-cache";
import { moveTalk } from "@/lib/talk/comments";
import { indexPage, reindexTitle } from "./search-index";
import { insertRevision, lockEditablePageOrThrow, lockLivePageOrThrow, revisionWithText, setPageState, type Actor } from "./page-writes";

// A page's life past saves: revert to an earlier revision, move to another title, delete and restore. Each is
// one transaction and an entry in the page's history (decision 0016).

/**
 * Revert a page to an earlier revision: a new latest revision with that revision's text. Based on the latest
 * revision read inside the transaction, so a revert never loses a save that happened just before it.
 */
export async function revertPage(req: { title: string; revisionId: number; summary?: string; author: Actor }) {
  assertCanEdit(req.author); // before any work: the page's protection is checked under its lock
  // the reverted-to revision's HTML and links (made now if never kept), read before any lock is taken
  const target = await getRenderedRevision(req.revisionId).catch((e: unknown) => {
    throw e instanceof AppError ? new AppError("not_found", `Revision ${req.revisionId} is not a revision of "${req.title}"`) : e;
  });
  const targets = linkTargets(target.links);
  const result = await inTransaction(async (tx) => {
    await lockTitles(tx, { shared: targets, exclusive: [req.title] });
    const page = await lockEditablePageOrThrow(tx, req.title, req.author);
    const old = await tx.revision.findFirst({
      where: { id: req.revisionId, pageId: page.id },
      select: { id: true, number: true, markdown: true },
    });
    if (!old) throw new AppError("not_found", `Revision ${req.revisionId} is not a revision of "${req.title}"`);
    const latest = await revisionWithText(tx, page.latest_revision_id);
    if (latest.markdown === old.markdown) {
      return { status: "unchanged" as const, title: req.title, revision: toRevisionInfo(latest) };
    }
    const summary = req.summary || `Reverted to revision ${old.number}`;
    const revision = await insertRevision(tx, page.id, latest, { ...req, summary, markdown: old.markdown, kind: "revert", sameAs: old.id });
    // same text, same HTML: the reverted-to revision's kept render serves the new one too
    await copyRender(tx, old.id, revision.id);
    const redirectTo = redirectTarget(old.markdown);
    await setPageState(tx, page.id, req.title, target.html, targets, redirectTo, (page.redirect_to ?? null) !== redirectTo);
    return { status: "updated" as const, title: req.title, revision };
  });
  if (result.status === "updated") wakeMailWorker();
  return result;
}

/**
 * Rename a page: its history, watches and protection go with it (they belong to the page, not the title), and so
 * does its discussion. By default a redirect is left at the old title. The move is an entry in the page's
 * history. 409 when the new title is taken; protection of the page applies.
 */
export async function movePage(req: { from: string; to: string; leaveRedirect: boolean; summary?: string; author: Actor }) {
  assertCanEdit(req.author); // before any work: the page's protection is checked under its lock
  if (req.from === req.to) throw new AppError("bad_request", "A page cannot be moved onto its own title");
  // a file's bytes belong to File: titles: they are what the title names (embeds, /file/, exports)
  if (req.from.startsWith(FILE_PREFIX) && !req.to.startsWith(FILE_PREFIX)) {
    throw new AppError("bad_request", "A File: page can only move to another File: title");
  }
  const redirectText = `#REDIRECT [[${req.to}]]\n`;
  const redirectRender = req.leaveRedirect ? await renderBounded(redirectText) : null;
  const result = await inTransaction(async (tx) => {
    await lockTitles(tx, { exclusive: [req.from, req.to] });
    const page = await lockEditablePageOrThrow(tx, req.from, req.author);
    await assertSpaceAllowsEdit(tx, req.to, req.author);
    const taken = await tx.page.findUnique({ where: { title: req.to }, select: { latestRevisionId: true } });
    if (taken?.latestRevisionId) throw new AppError("conflict", `There is already a page called "${req.to}"`);
    if (taken) await tx.page.delete({ where: { title: req.to } }); // a row left without any revision
    const latest = await revisionWithText(tx, page.latest_revision_id);
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
    const page = await lockLivePageOrThrow(tx, req.title);
    const latest = await revisionWithText(tx, page.latest_revision_id);
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
    const latest = await revisionWithText(tx, deleted.latestRevisionId!);
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
