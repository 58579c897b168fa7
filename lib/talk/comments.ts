import "server-only";
import { siteBase } from "@/lib/http/site";
import { createHash } from "node:crypto";
import { db, sqlPool, type Prisma } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { getCache } from "@/lib/cache";
import { ValueTooLargeError } from "@/lib/cache/memcache";
import { AppError } from "@/lib/errors";
import { assertAdmin, assertNotBlocked, type Actor } from "@/lib/auth/permissions";
import { renderBounded } from "@/lib/markdown/render-pool";
import { writeLinks } from "@/lib/wiki/links";
import { pagePaths } from "@/lib/wiki/titles";
import { enqueueMail } from "@/lib/mail/outbox";
import { commentEmails } from "@/lib/mail/notifications";
import { wakeMailWorker } from "@/lib/mail/worker";
import { inTransaction } from "@/lib/db/transaction";

/**
 * Talk pages: the App Engine memcache tutorial's guestbook, grown up (docs/decisions/0017-talk-pages-and-search.md).
 * As in the tutorial, the newest comments are cached for 10 seconds under one key: `get` it; on a miss query and
 * `add` it (logging the two failures the tutorial logs); `delete` it when someone posts. Past the tutorial: every
 * post and delete bumps the talk's version in PostgreSQL in its transaction, and a cached list counts only when it
 * carries the current version (a stale one is replaced, with `replace`), so the tutorial's race (a reader who
 * queried before a post stores the old list after the post's delete) can no longer show an old list.
 */

/** Comments shown per page of a talk page (the tutorial's 10). */
export const TALK_PAGE_SIZE = 10;
/** Seconds the newest comments stay cached (the tutorial's 10). */
export const TALK_CACHE_SECONDS = 10;
/** Longest comment, in characters. */
export const MAX_COMMENT_CHARS = 10_000;
/** Comments one person, and one address, may post per minute. */
export const COMMENT_RATE = { perPerson: 6, perAddress: 12 } as const;

const NAMESPACE = "talk";

export type CommentView = { id: number; author: { username: string } | null; content: string; html: string; createdAt: string };
type CachedList = { version: number; count: number; comments: CommentView[]; next: string | null };

/** This process's talk-cache counters (the page also shows memcached's own hits and misses). */
export const talkCacheCounters = { hits: 0, misses: 0, stale: 0, addFailed: 0, tooLarge: 0 };

/** The talk's version and live comment count, from PostgreSQL (0 and 0 before its first comment). */
async function talkState(title: string): Promise<{ version: number; count: number }> {
  const { rows } = await sqlPool().query<{ version: number; comments: number }>({
    name: "vellum-talk-state",
    text: "SELECT version, comments FROM talks WHERE title = $1",
    values: [title],
  });
  return { version: rows[0]?.version ?? 0, count: rows[0]?.comments ?? 0 };
}

/** How many live comments each title's talk page has (for the Discussion tab). */
export async function commentCount(title: string): Promise<number> {
  return (await talkState(title)).count;
}

async function queryComments(title: string, { limit, before }: { limit: number; before?: number }) {
  const rows = await db().comment.findMany({
    where: { title, deletedAt: null, ...(before ? { id: { lt: before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: { id: true, content: true, html: true, createdAt: true, author: { select: { username: true } } },
  });
  const comments: CommentView[] = rows.slice(0, limit).map((r) => ({
    id: r.id,
    author: r.author ? { username: r.author.username } : null,
    content: r.content,
    html: r.html,
    createdAt: r.createdAt.toISOString(),
  }));
  return { comments, next: rows.length > limit ? String(comments.at(-1)!.id) : null };
}

/**
 * A talk page's comments, newest first. The first page (the newest TALK_PAGE_SIZE) follows the tutorial's
 * pattern through memcached; older pages (`before`) and other sizes are read from PostgreSQL.
 */
export async function listComments(title: string, { limit = TALK_PAGE_SIZE, before }: { limit?: number; before?: number } = {}) {
  const state = await talkState(title);
  if (before !== undefined || limit !== TALK_PAGE_SIZE) {
    return { ...(await queryComments(title, { limit, before })), count: state.count, cached: false };
  }
  const cache = getCache();
  const key = `list:${title}`;
  const hit = await cache.get<CachedList>(key, { namespace: NAMESPACE });
  if (hit && hit.version === state.version) {
    talkCacheCounters.hits++;
    return { comments: hit.comments, next: hit.next, count: hit.count, cached: true };
  }
  // concurrent misses in this process share one query and one store
  const flightKey = `${key}\u0000${state.version}`;
  let pending = inflight.get(flightKey);
  if (!pending) {
    pending = fillList(title, key, state, hit !== null).finally(() => inflight.delete(flightKey));
    inflight.set(flightKey, pending);
  }
  const list = await pending;
  return { comments: list.comments, next: list.next, count: list.count, cached: false };
}

const inflight = new Map<string, Promise<CachedList>>();

/** Query the newest comments and store them: `add` on a miss (the tutorial's step), `replace` over an older version. */
async function fillList(title: string, key: string, state: { version: number; count: number }, staleEntry: boolean): Promise<CachedList> {
  const cache = getCache();
  const list: CachedList = { version: state.version, count: state.count, ...(await queryComments(title, { limit: TALK_PAGE_SIZE })) };
  try {
    if (staleEntry) {
      // an older version's list: only an existing entry may change, and this one must
      talkCacheCounters.stale++;
      await cache.replace(key, list, { namespace: NAMESPACE, time: TALK_CACHE_SECONDS });
    } else {
      talkCacheCounters.misses++;
      if (!(await cache.add(key, list, { namespace: NAMESPACE, time: TALK_CACHE_SECONDS }))) {
        talkCacheCounters.addFailed++;
        logFailure("Memcache add failed.");
      }
    }
  } catch (e) {
    if (!(e instanceof ValueTooLargeError)) throw e;
    talkCacheCounters.tooLarge++;
    logFailure("Memcache add failed - data larger than the item limit.");
  }
  return list;
}

/**
 * The tutorial's two log lines, at most one of each per 10 s with how often it happened (another instance's add
 * winning a race is routine under load and would otherwise fill the log).
 */
const lastLogged = new Map<string, { at: number; suppressed: number }>();
function logFailure(message: string) {
  const seen = lastLogged.get(message) ?? { at: 0, suppressed: 0 };
  if (Date.now() - seen.at < 10_000) {
    seen.suppressed++;
    lastLogged.set(message, seen);
    return;
  }
  console.error(`[vellum] ${message}${seen.suppressed ? ` (and ${seen.suppressed} more times in the last 10 s)` : ""}`);
  lastLogged.set(message, { at: Date.now(), suppressed: 0 });
}

/** memcached's own hit and miss counts (the tutorial prints them under the guestbook). */
export async function cacheHitsAndMisses(): Promise<{ hits: number; misses: number }> {
  const stats = await getCache().getStats();
  return { hits: stats.hits, misses: stats.misses };
}

type Poster = (Actor & { id: string; username: string }) | null;

/** The per-address key: a hash of the client address (the address itself is not stored). */
function clientKeyOf(ip: string): string {
  return createHash("sha256").update(`vellum-comment:${ip}`).digest("base64url").slice(0, 22);
}

/**
 * 429 past the per-address or per-person rate, counted inside the posting transaction while it holds a lock per
 * address and per person, so simultaneous posts cannot all count "0 so far". A post that finds the lock taken (the
 * same address or person is posting this very moment) is itself too fast: 429 at once, nothing queues.
 */
async function assertNotTooFast(tx: Prisma.TransactionClient, author: Poster, clientKey: string) {
  const keys = [`vellum-comment-address:${clientKey}`, ...(author ? [`vellum-comment-person:${author.id}`] : [])];
  for (const key of keys) {
    const [row] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${key})) AS locked`;
    if (!row?.locked) throw new AppError("rate_limited", "You are already posting a comment; wait a moment and try again");
  }
  const since = new Date(Date.now() - 60_000);
  const byAddress = await tx.comment.count({ where: { clientKey, createdAt: { gt: since } } });
  const byPerson = author ? await tx.comment.count({ where: { authorId: author.id, createdAt: { gt: since } } }) : 0;
  if (byAddress >= COMMENT_RATE.perAddress || byPerson >= COMMENT_RATE.perPerson) {
    throw new AppError("rate_limited", "You are commenting too fast; wait a minute and try again");
  }
}

/**
 * Post a comment: anonymous (author null) only when ALLOW_ANONYMOUS_COMMENTS=on. Rendered like pages (wiki links
 * become plain links: a comment is not recoloured later). Inserted, with the talk's version bumped and the mail to
 * the page's watchers queued, in one transaction; then the cached list is deleted (the tutorial's step).
 */
export async function postComment(req: { title: string; content: string; author: Poster; clientIp: string }): Promise<CommentView> {
  if (!req.author && getConfig().ALLOW_ANONYMOUS_COMMENTS !== "on") throw new AppError("unauthorized", "Sign in to comment");
  if (req.author) assertNotBlocked(req.author);
  const clientKey = clientKeyOf(req.clientIp);
  const { rendered } = await renderBounded(req.content);
  const html = writeLinks(rendered.html, rendered.links, new Map(rendered.links.map((l) => [l.title, "page" as const])));
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
export async function deleteComment(req: { title: string; id: number; actor: Actor & { id: string } }) {
  await inTransaction(async (tx) => {
    const rows = await tx.$queryRaw<{ author_id: string | null }[]>`
      SELECT author_id FROM comments WHERE id = ${req.id} AND title = ${req.title} AND deleted_at IS NULL FOR UPDATE`;
    const row = rows[0];
    if (!row) throw new AppError("not_found", `There is no comment ${req.id} on this talk page`);
    if (row.author_id !== req.actor.id) assertAdmin(req.actor);
    else assertNotBlocked(req.actor);
    await tx.$executeRaw`UPDATE comments SET deleted_at = now() WHERE id = ${req.id}`;
    await tx.$executeRaw`UPDATE talks SET version = version + 1, comments = comments - 1 WHERE title = ${req.title}`;
    await bumpPageView(tx, req.title);
  });
  await forgetTalkLists([req.title]);
}

/** A page moved: its discussion goes with it, in the move's transaction (then forgetTalkLists both titles). */
export async function moveTalk(tx: Prisma.TransactionClient, from: string, to: string) {
  const moved = await tx.$executeRaw`UPDATE comments SET title = ${to} WHERE title = ${from}`;
  if (!moved) return;
  await tx.$executeRaw`
    INSERT INTO talks (title, version, comments)
    SELECT ${to}, 1, count(*) FROM comments WHERE title = ${to} AND deleted_at IS NULL
    ON CONFLICT (title) DO UPDATE SET version = talks.version + 1, comments = EXCLUDED.comments`;
  await tx.$executeRaw`UPDATE talks SET version = version + 1, comments = 0 WHERE title = ${from}`;
}

/** Drop the cached lists of these talk pages (after a transaction that changed them committed). */
export async function forgetTalkLists(titles: string[]) {
  await getCache().deleteMulti(titles.map((t) => `list:${t}`), { namespace: NAMESPACE });
}

/** The article's Discussion tab shows the comment count: its view changes (decision 0016's view version). */
async function bumpPageView(tx: Prisma.TransactionClient, title: string) {
  await tx.$executeRaw`UPDATE pages SET view_version = view_version + 1 WHERE title = ${title}`;
}

/** Mail the page's watchers (verified addresses, by their mail setting) about a new comment, in its transaction. */
async function queueCommentMail(tx: Prisma.TransactionClient, title: string, author: Poster, content: string) {
  const watchers = await tx.user.findMany({
    where: {
      ...(author ? { id: { not: author.id } } : {}),
      notify: { not: "none" },
      emailVerified: { not: null },
      watches: { some: { page: { title } } },
    },
    select: { id: true, email: true, notify: true },
  });
  if (!watchers.length) return;
  const base = siteBase();
  const talkUrl = base + pagePaths.talk(title);
  const excerpt = [...content].length > 600 ? [...content].slice(0, 600).join("") + "…" : content;
  await enqueueMail(tx, commentEmails(watchers.filter((w) => w.notify === "each").map((w) => w.email), {
    title,
    author: author?.username ?? null,
    excerpt,
    talkUrl,
  }));
  const later = watchers.filter((w) => w.notify === "digest");
  if (later.length) {
    const line = `${title}: a comment by ${author?.username ?? "an anonymous person"} ${talkUrl}`;
    await tx.digestEntry.createMany({ data: later.map((w) => ({ userId: w.id, text: line })) });
  }
}
