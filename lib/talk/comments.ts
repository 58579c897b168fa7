import "server-only";
import { getConfig } from "@/lib/config";
import { inTransaction, type Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { assertCanDeleteComment, assertNotBlocked, type Actor } from "@/lib/auth/permissions";
import { renderBounded } from "@/lib/markdown/render-pool";
import { linkTargetsNow, writeLinks } from "@/lib/wiki/links";
import { wakeMailWorker } from "@/lib/mail/worker";
import { forgetTalkLists, type CommentView } from "./list-cache";
import { assertNotTooFast, clientKeyOf } from "./rate-limits";
import { queueCommentMail } from "./comment-mail";
import type { Poster } from "./schema";
import { assertMayReadTitle, mayReadSpace, PUBLIC_ACCESS, readSpaceOf, type Access } from "@/lib/auth/access";

// Posting and deleting comments, and a discussion following its page's move: each one transaction that bumps the
// talk's version (decision 0017); the cached list is dropped after commit (list-cache.ts).


/**
 * Post a comment: anonymous (author null) only when ALLOW_ANONYMOUS_COMMENTS=on. Rendered like pages (wiki links
 * become plain links: a comment is not recoloured later). Inserted, with the talk's version bumped and the mail to
 * the page's watchers queued, in one transaction; then the cached list is deleted (the tutorial's step).
 */
export async function postComment(req: { title: string; content: string; author: Poster; clientIp: string; access: Access }): Promise<CommentView> {
  if (!req.author && getConfig().ALLOW_ANONYMOUS_COMMENTS !== "on") throw new AppError("unauthorized", "Sign in to comment");
  if (req.author) assertNotBlocked(req.author);
  // a talk page one may not read is not there (decision 0029)
  const space = await readSpaceOf(req.title);
  if (!mayReadSpace(req.access, space)) throw new AppError("not_found", `There is no page called "${req.title}"`);
  const clientKey = clientKeyOf(req.clientIp);
  const { rendered } = await renderBounded(req.content);
  // links are written blue; files embedded show the version current now (its URL never changes), and only files
  // every reader of this talk page may see: public ones, and its own space's
  const readers: Access = space === null ? PUBLIC_ACCESS : { ...PUBLIC_ACCESS, spaces: [space], audience: "" };
  const { targets: files } = await linkTargetsNow(rendered.links.filter((l) => l.embed).map((l) => l.title), readers);
  const targets = new Map(rendered.links.map((l) => [l.title, files.get(l.title) ?? { state: "page" as const }]));
  const html = writeLinks(rendered.html, rendered.links, targets);
  const comment = await inTransaction(async (tx) => {
    await assertNotTooFast(tx, req.author, clientKey);
    const row = await tx.comment.create({
      data: { title: req.title, authorId: req.author?.id ?? null, content: req.content, html, clientKey },
      select: { id: true, createdAt: true },
    });
    await tx.$executeRaw`
      INSERT INTO talks (title, version, comments) VALUES (${req.title}, 1, 1)
      ON CONFLICT (title) DO UPDATE SET version = talks.version + 1, comments = talks.comments + 1`;
    await bumpPageView(tx, req.title);
    await queueCommentMail(tx, req.title, req.author, req.content);
    return row;
  });
  await forgetTalkLists([req.title]);
  wakeMailWorker();
  return {
    id: comment.id,
    author: req.author ? { username: req.author.username } : null,
    content: req.content,
    html,
    createdAt: comment.createdAt.toISOString(),
  };
}

/** Delete a comment: its author or an admin. 404 when it is not a live comment of this talk page. */
export async function deleteComment(req: { title: string; id: number; actor: Actor & { id: string }; access: Access }) {
  await assertMayReadTitle(req.access, req.title);
  await inTransaction(async (tx) => {
    const rows = await tx.$queryRaw<{ author_id: string | null }[]>`
      SELECT author_id FROM comments WHERE id = ${req.id} AND title = ${req.title} AND deleted_at IS NULL FOR UPDATE`;
    const row = rows[0];
    if (!row) throw new AppError("not_found", `There is no comment ${req.id} on this talk page`);
    assertCanDeleteComment(req.actor, { own: row.author_id !== null && row.author_id === req.actor.id });
    await tx.$executeRaw`UPDATE comments SET deleted_at = now() WHERE id = ${req.id}`;
    await tx.$executeRaw`UPDATE talks SET version = version + 1, comments = comments - 1 WHERE title = ${req.title}`;
    await bumpPageView(tx, req.title);
  });
  await forgetTalkLists([req.title]);
}

/** A page moved: its discussion goes with it, in the move's transaction (then forgetTalkLists both titles). */
export async function moveTalk(tx: Tx, from: string, to: string) {
  const moved = await tx.$executeRaw`UPDATE comments SET title = ${to} WHERE title = ${from}`;
  if (!moved) return;
  await tx.$executeRaw`
    INSERT INTO talks (title, version, comments)
    SELECT ${to}, 1, count(*) FROM comments WHERE title = ${to} AND deleted_at IS NULL
    ON CONFLICT (title) DO UPDATE SET version = talks.version + 1, comments = EXCLUDED.comments`;
  await tx.$executeRaw`UPDATE talks SET version = version + 1, comments = 0 WHERE title = ${from}`;
}

/** The article's Discussion tab shows the comment count: its view changes (decision 0016's view version). */
async function bumpPageView(tx: Tx, title: string) {
  await tx.$executeRaw`UPDATE pages SET view_version = view_version + 1 WHERE title = ${title}`;
}
