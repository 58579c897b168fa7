import "server-only";
import { assertMayReadTitle, type Access } from "@/lib/auth/access";
import { db, sqlPool } from "@/lib/db";
import { getCache } from "@/lib/cache";
import { ValueTooLargeError } from "@/lib/cache/memcache";

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

const NAMESPACE = "talk";

export type CommentView = { id: number; author: { username: string } | null; content: string; html: string; createdAt: string };
type CachedList = { version: number; count: number; comments: CommentView[]; next: string | null };

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
export async function listComments(title: string, access: Access, { limit = TALK_PAGE_SIZE, before }: { limit?: number; before?: number } = {}) {
  await assertMayReadTitle(access, title);
  const state = await talkState(title);
  if (before !== undefined || limit !== TALK_PAGE_SIZE) {
    return { ...(await queryComments(title, { limit, before })), count: state.count, cached: false };
  }
  const cache = getCache();
  const key = `list:${title}`;
  const hit = await cache.get<CachedList>(key, { namespace: NAMESPACE });
  if (hit && hit.version === state.version) {
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
      await cache.replace(key, list, { namespace: NAMESPACE, time: TALK_CACHE_SECONDS });
    } else {
      if (!(await cache.add(key, list, { namespace: NAMESPACE, time: TALK_CACHE_SECONDS }))) {
        logFailure("Memcache add failed.");
      }
    }
  } catch (e) {
    if (!(e instanceof ValueTooLargeError)) throw e;
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

/** Drop the cached lists of these talk pages (after a transaction that changed them committed). */
export async function forgetTalkLists(titles: string[]) {
  await getCache().deleteMulti(titles.map((t) => `list:${t}`), { namespace: NAMESPACE });
}
