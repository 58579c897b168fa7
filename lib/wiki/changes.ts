import "server-only";
import { CHANGE_KINDS, parseChangeCursor } from "./query-schemas.js";
import { createHash } from "node:crypto";
import { db, fromCurrentReplica, sqlPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getCache } from "@/lib/cache";
import { ValueTooLargeError } from "@/lib/cache/memcache";
import { currentBuildId } from "@/lib/cache/page-cache";
import { slugOf, pagePaths } from "./titles";
import type { RevisionKind } from "./revisions";
import { mayReadSpace, visibleText, type Access } from "@/lib/auth/access";

/** What recent changes list: every kind of revision, and comments on talk pages (the list: query-schemas.js). */
export type ChangeKind = RevisionKind | "comment";
export { CHANGE_KINDS };

export type Change = {
  /** "r<revision id>" or "c<comment id>". */
  id: string;
  kind: ChangeKind;
  page: { title: string; slug: string };
  revisionId: number | null;
  /** The revision before (for a diff link), null for a page's first revision and for comments. */
  parentId: number | null;
  author: { username: string } | null;
  summary: string;
  createdAt: string;
  sizeDelta: number;
};

type Row = {
  src: "r" | "c";
  id: number;
  kind: ChangeKind;
  title: string;
  parent_id: number | null;
  username: string | null;
  summary: string;
  created_at: Date;
  size_delta: number;
};

/** A position in the list: the last change shown ("<ISO time>~<r|c><id>"). */
function parseCursor(cursor: string): { at: Date; src: string; id: number } {
  const parsed = parseChangeCursor(cursor);
  if (!parsed) throw new AppError("bad_request", "Invalid cursor");
  return parsed;
}

/**
 * Every create, edit, revert, move, delete, restore and comment across the wiki, newest first. Revisions of a
 * deleted page are left out, except its deletion. `hideUserId`: leave out that person's changes; `kind`: only
 * that kind. Only pages this reader may read, and talk about them (decision 0029). Each branch walks its
 * (created_at, id) index, so any page of the list costs the same.
 */
export async function listRecentChanges(opts: { limit: number; before?: string; kind?: ChangeKind; hideUserId?: string }, access: Access) {
  const cursor = opts.before ? parseCursor(opts.before) : null;
  const wantRevisions = opts.kind !== "comment";
  const wantComments = !opts.kind || opts.kind === "comment";
  const pageVisible = visibleText("p", 7, access);
  const talkVisible = visibleText("cs", 7, access);
  const values: unknown[] = [opts.limit + 1, opts.kind ?? null, opts.hideUserId ?? null, cursor?.at ?? null, cursor?.src ?? null, cursor?.id ?? null, pageVisible.value];
  const revisions = `
    (SELECT 'r' AS src, r.id, r.kind::text AS kind, coalesce(p.title, p.deleted_title) AS title, r.parent_id,
            u.username, r.summary, r.created_at, r.size - coalesce(pr.size, 0) AS size_delta
     FROM revisions r JOIN pages p ON p.id = r.page_id
     LEFT JOIN users u ON u.id = r.author_id LEFT JOIN revisions pr ON pr.id = r.parent_id
     WHERE (p.title IS NOT NULL OR r.kind = 'delete') AND ${pageVisible.sql}
       AND ($2::text IS NULL OR r.kind::text = $2)
       AND ($3::text IS NULL OR r.author_id IS DISTINCT FROM $3)
       AND ($4::timestamptz IS NULL OR (r.created_at, 'r', r.id) < ($4, $5::text, $6::int))
     ORDER BY r.created_at DESC, r.id DESC LIMIT $1)`;
  const comments = `
    (SELECT 'c' AS src, c.id, 'comment' AS kind, c.title, NULL::int AS parent_id, u.username,
            left(c.content, 200) AS summary, c.created_at, 0 AS size_delta
     FROM comments c LEFT JOIN users u ON u.id = c.author_id
     CROSS JOIN LATERAL (SELECT vellum_read_space(c.title) AS read_space) cs
     WHERE c.deleted_at IS NULL AND ${talkVisible.sql} AND ($2::text IS NULL OR $2 = 'comment')
       AND ($3::text IS NULL OR c.author_id IS DISTINCT FROM $3)
       AND ($4::timestamptz IS NULL OR (c.created_at, 'c', c.id) < ($4, $5::text, $6::int))
     ORDER BY c.created_at DESC, c.id DESC LIMIT $1)`;
  const parts = [wantRevisions ? revisions : null, wantComments ? comments : null].filter(Boolean);
  // a list: from the standby when it has everything already written (decision 0026)
  const { rows } = await fromCurrentReplica(({ pool }) =>
    pool.query<Row>(`SELECT * FROM (${parts.join(" UNION ALL ")}) x ORDER BY created_at DESC, src DESC, id DESC LIMIT $1`, values),
  );
  const changes: Change[] = rows.slice(0, opts.limit).map((r) => ({
    id: `${r.src}${r.id}`,
    kind: r.kind,
    page: { title: r.title, slug: slugOf(r.title) },
    revisionId: r.src === "r" ? r.id : null,
    parentId: r.parent_id,
    author: r.username ? { username: r.username } : null,
    summary: r.summary.replace(/\s+/g, " ").trim(),
    createdAt: r.created_at.toISOString(),
    sizeDelta: r.size_delta,
  }));
  const last = changes.at(-1);
  return { changes, next: rows.length > opts.limit && last ? `${last.createdAt}~${last.id}` : null };
}

/** Where a change is best seen: its diff, the first revision, the deleted notice or the talk page. */
export function changePath(c: Change): string {
  if (c.kind === "comment") return `${pagePaths.talk(c.page.title)}#comment-${c.id.slice(1)}`;
  if (c.kind === "delete") return pagePaths.view(c.page.title);
  return c.parentId ? `/diff?from=${c.parentId}&to=${c.revisionId}` : `/revision/${c.revisionId}`;
}

const FEED_SIZE = 50;
const FEED_NAMESPACE = "feed";
const FEED_TTL_SECONDS = 24 * 60 * 60;

export type Feed = { xml: string; etag: string; lastModified: string };

/**
 * The Atom feed of recent changes, or of one page's history. Cached in memcached under what identifies its
 * content: the newest revision and comment ids and the sum of talk versions (a comment deleted), or the page's
 * latest revision; so a poll after any change gets the new feed and an unchanged feed costs a few index lookups.
 */
export async function recentChangesFeed(base: string, access: Access): Promise<Feed> {
  const { rows } = await sqlPool().query<{ r: number | null; c: number | null; t: string | null }>({
    name: "vellum-feed-marker",
    text: "SELECT (SELECT max(id) FROM revisions) AS r, (SELECT max(id) FROM comments) AS c, (SELECT sum(version) FROM talks)::text AS t",
  });
  const marker = `${rows[0]?.r ?? 0}.${rows[0]?.c ?? 0}.${rows[0]?.t ?? 0}`;
  return cachedFeed(`rc:${access.audience}:${marker}`, async () => {
    const { changes } = await listRecentChanges({ limit: FEED_SIZE }, access);
    return atom({ base, id: `${base}/recent-changes`, title: "Vellum: recent changes", self: `${base}/recent-changes.atom`, alternate: `${base}/recent-changes`, changes });
  });
}

/** The Atom feed of one page's history; 404 when the page does not exist or this reader may not read it. */
export async function pageHistoryFeed(base: string, title: string, access: Access): Promise<Feed> {
  const page = await db().page.findUnique({ where: { title }, select: { id: true, latestRevisionId: true, readSpace: true } });
  if (!page?.latestRevisionId || !mayReadSpace(access, page.readSpace)) throw new AppError("not_found", `There is no page called "${title}"`);
  return cachedFeed(`page:${page.id}:${page.latestRevisionId}`, async () => {
    const rows = await db().revision.findMany({
      where: { pageId: page.id },
      orderBy: { number: "desc" },
      take: FEED_SIZE,
      select: { id: true, kind: true, parentId: true, summary: true, createdAt: true, size: true, author: { select: { username: true } }, parent: { select: { size: true } } },
    });
    const changes: Change[] = rows.map((r) => ({
      id: `r${r.id}`,
      kind: r.kind,
      page: { title, slug: slugOf(title) },
      revisionId: r.id,
      parentId: r.parentId,
      author: r.author,
      summary: r.summary,
      createdAt: r.createdAt.toISOString(),
      sizeDelta: r.size - (r.parent?.size ?? 0),
    }));
    return atom({ base, id: `${base}${pagePaths.history(title)}`, title: `Vellum: history of ${title}`, self: `${base}/feed/${slugOf(title)}`, alternate: `${base}${pagePaths.history(title)}`, changes });
  });
}

async function cachedFeed(key: string, make: () => Promise<Feed>): Promise<Feed> {
  const fullKey = `${currentBuildId()}:${key}`;
  const cache = getCache();
  const hit = await cache.get<Feed>(fullKey, { namespace: FEED_NAMESPACE });
  if (hit) return hit;
  const feed = await make();
  try {
    await cache.set(fullKey, feed, { namespace: FEED_NAMESPACE, time: FEED_TTL_SECONDS });
  } catch (e) {
    if (!(e instanceof ValueTooLargeError)) throw e;
  }
  return feed;
}

/** Escape text for XML character data and attribute values. */
function x(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!)
    // characters XML 1.0 cannot hold at all
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
}

const VERB: Record<ChangeKind, string> = {
  create: "created", edit: "edited", revert: "reverted", move: "moved", delete: "deleted", restore: "restored", upload: "uploaded", comment: "commented on",
};

function atom(f: { base: string; id: string; title: string; self: string; alternate: string; changes: Change[] }): Feed {
  const updated = f.changes[0]?.createdAt ?? new Date(0).toISOString();
  const entries = f.changes.map((c) => {
    const who = c.author?.username ?? (c.kind === "comment" ? "An anonymous person" : "unknown");
    const text = `${who} ${VERB[c.kind]} “${c.page.title}”${c.summary ? `: ${c.summary}` : ""}` +
      (c.kind === "comment" ? "" : ` (${c.sizeDelta >= 0 ? "+" : ""}${c.sizeDelta} bytes)`);
    return (
      `<entry><id>${x(`${f.base}/changes/${c.id}`)}</id>` +
      `<title>${x(`${c.page.title} ${VERB[c.kind]} by ${who}`)}</title>` +
      `<updated>${c.createdAt}</updated><author><name>${x(who)}</name></author>` +
      `<link rel="alternate" type="text/html" href="${x(f.base + changePath(c))}"/>` +
      `<summary type="text">${x(text)}</summary></entry>`
    );
  });
  const xml =
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">` +
    `<id>${x(f.id)}</id><title>${x(f.title)}</title><updated>${updated}</updated>` +
    `<link rel="self" type="application/atom+xml" href="${x(f.self)}"/>` +
    `<link rel="alternate" type="text/html" href="${x(f.alternate)}"/>` +
    `<generator>Vellum</generator>${entries.join("")}</feed>\n`;
  const etag = `"${createHash("sha256").update(xml).digest("base64url").slice(0, 27)}"`;
  return { xml, etag, lastModified: new Date(updated).toUTCString() };
}
