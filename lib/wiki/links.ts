import "server-only";
import { db, sqlPool, type Prisma } from "@/lib/db";
import { escapeHtml, FILE_PREFIX, type Embed, type WikiLink } from "@/lib/markdown/render";
import { normaliseTitleOrNull } from "./title-rules.js";
import { encodeSlug, pagePaths, slugOf } from "./titles";
import { fileNameOf, imageAttributes, isImage, type EmbedFile } from "@/lib/files/urls";
import { mayReadSpace, visibleSql, visibleText, type Access } from "@/lib/auth/access";

/**
 * The link graph (docs/decisions/0016-the-link-graph.md). Kept HTML marks each wiki link as `<a data-wl="i">`;
 * whether it shows blue, red or as a redirect is decided when a view is made, from which titles are pages then.
 * A page's view is cached under its revision and its `view_version`, which the transaction that creates,
 * deletes, moves or restores a title (or turns it into a redirect or back) bumps on every page linking to it.
 */

type Tx = Prisma.TransactionClient;

/** What a link's target is when a view is made. */
export type LinkState = "page" | "redirect" | "missing";

/** A link's target when a view is made; a File: page also names its current version (null: nothing uploaded). */
export type LinkTarget = { state: LinkState; redirectTo?: string | null; file?: EmbedFile | null };

/** A marker with its label (escaped text, never markup: both render.js and older renderers wrote it so). */
const MARKER = /<a data-wl="(\d+)">([^<]*)<\/a>/g;

/** The distinct titles of a render's wiki links, in first-seen order. */
export function linkTargets(links: WikiLink[]): string[] {
  return [...new Set(links.map((l) => l.title))];
}

type TargetRow = {
  title: string; redirect_to: string | null; read_space: string | null; version_id: number | null; name: string | null;
  content_type: string | null; width: number | null; height: number | null;
};

async function targetRows(titles: string[]): Promise<TargetRow[]> {
  const { rows } = await sqlPool().query<TargetRow>({
    name: "vellum-link-targets-v2",
    text: `SELECT p.title, p.redirect_to, p.read_space, v.id AS version_id, v.name, b.content_type, b.width, b.height
      FROM pages p LEFT JOIN file_versions v ON v.id = p.file_version_id LEFT JOIN blobs b ON b.sha256 = v.sha256
      WHERE p.title = ANY($1::text[]) AND p.latest_revision_id IS NOT NULL`,
    values: [titles],
  });
  return rows;
}

function toTarget(r: TargetRow): LinkTarget {
  const file: EmbedFile | null =
    r.version_id !== null ? { versionId: r.version_id, name: r.name!, contentType: r.content_type!, width: r.width, height: r.height } : null;
  return { state: r.redirect_to !== null ? "redirect" : "page", redirectTo: r.redirect_to, file };
}

/**
 * What each title is now for this reader: a page, a redirect or missing (a page they may not read is missing,
 * decision 0029), and for File: titles the current version (an embed of a File: redirect shows the file it
 * redirects to, one hop). One indexed query, two when a file redirect is embedded. `bound`: whether any target is
 * in a private space, so what the links show depends on who reads them.
 */
export async function linkTargetsNow(titles: string[], access: Access): Promise<{ targets: Map<string, LinkTarget>; bound: boolean }> {
  const targets = new Map<string, LinkTarget>(titles.map((t) => [t, { state: "missing" }]));
  let bound = false;
  const readable = (rows: TargetRow[]) =>
    rows.filter((r) => {
      bound ||= r.read_space !== null;
      return mayReadSpace(access, r.read_space);
    });
  if (!titles.length) return { targets, bound };
  for (const r of readable(await targetRows(titles))) targets.set(r.title, toTarget(r));
  const hops = [...targets.values()].flatMap((t) => (t.state === "redirect" && t.redirectTo?.startsWith(FILE_PREFIX) ? [t.redirectTo] : []));
  if (hops.length) {
    const found = new Map(readable(await targetRows(hops)).map((r) => [r.title, toTarget(r)]));
    for (const t of targets.values()) {
      const to = t.state === "redirect" && t.redirectTo ? found.get(t.redirectTo) : undefined;
      if (to?.state === "page" && to.file) t.file = to.file;
    }
  }
  return { targets, bound };
}

/** The width a framed embed without one of its own is shown at (MediaWiki's thumbnail default). */
export const THUMB_WIDTH = 250;

/** Where an embedded image links: its file's page, an http(s) address or a page (`link=`), or nowhere (`link=`). */
function embedLinkAttributes(link: WikiLink & { embed: Embed }): string | null {
  const to = link.embed.link;
  if (to === undefined) return `class="image" href="${escapeHtml(pagePaths.view(link.title))}"`;
  if (to === "") return null;
  if (/^https?:\/\//i.test(to)) return `class="image external" href="${escapeHtml(to)}" rel="nofollow ugc noopener noreferrer"`;
  const title = normaliseTitleOrNull(to);
  return `class="image" href="${escapeHtml(pagePaths.view(title ?? link.title))}"`;
}

/**
 * The HTML of a file embed: the image (with MediaWiki's options: width, alignment, frame, alt text, link and
 * caption), a link to download it, or a red link to upload it.
 */
function embedHtml(link: WikiLink & { embed: Embed }, label: string, target: LinkTarget): string {
  const file = target.file;
  if (!file) {
    return `<a class="new" href="${escapeHtml(pagePaths.upload(link.title))}" title="${escapeHtml(link.title)} (file does not exist)">${label}</a>`;
  }
  if (!isImage(file)) {
    return `<a class="file-link" href="${escapeHtml(pagePaths.file(link.title))}" title="${escapeHtml(link.title)}">${label}</a>`;
  }
  const { embed } = link;
  const framed = embed.frame === "thumb" || embed.frame === "frameless";
  const img = imageAttributes(file, embed.width ?? (framed ? THUMB_WIDTH : undefined));
  const alt = embed.alt || fileNameOf(link.title);
  const tag =
    `<img src="${escapeHtml(img.src)}" alt="${escapeHtml(alt)}" width="${img.width}" height="${img.height}" loading="lazy" decoding="async"` +
    (img.srcset ? ` srcset="${escapeHtml(img.srcset)}" sizes="(max-width: ${img.width}px) 100vw, ${img.width}px"` : "") +
    ">";
  const to = embedLinkAttributes({ ...link, embed });
  const image = to ? `<a ${to}>${tag}</a>` : tag;
  const caption = embed.frame === "frameless" ? "" : embed.caption;
  const classes = ["wiki-image", caption ? "captioned" : "", embed.frame ? `frame-${embed.frame}` : "", embed.align ? `align-${embed.align}` : ""];
  const open = `<span class="${classes.filter(Boolean).join(" ")}">`;
  if (!caption) return `${open}${image}</span>`;
  return `${open}${image}<span class="caption">${escapeHtml(caption)}</span></span>`;
}

/**
 * Kept HTML with its wiki-link markers written out: `<a href="/wiki/…">` to a page (class `redirect` to a
 * redirect), `<a class="new" href="/edit/…">` to a missing title. Everything written comes from the link list,
 * never from the HTML, so a page cannot forge a link.
 */
export function writeLinks(html: string, links: WikiLink[], targets: Map<string, LinkTarget>): string {
  if (!links.length) return html;
  return html.replace(MARKER, (_marker, index: string, label: string) => {
    const link = links[Number(index)];
    if (!link) return `<a>${label}</a>`;
    const target = targets.get(link.title) ?? { state: "missing" };
    if (link.embed) return embedHtml({ ...link, embed: link.embed }, label, target);
    const title = escapeHtml(link.title);
    if (target.state === "missing") {
      const where = link.title.startsWith(FILE_PREFIX) ? pagePaths.upload(link.title) : pagePaths.edit(link.title);
      return `<a class="new" href="${escapeHtml(where)}" title="${title} (page does not exist)">${label}</a>`;
    }
    const fragment = link.fragment ? `#user-content-${encodeURIComponent(link.fragment)}` : "";
    const cls = target.state === "redirect" ? ' class="redirect"' : "";
    return `<a${cls} href="/wiki/${escapeHtml(encodeSlug(link.title))}${escapeHtml(fragment)}" title="${title}">${label}</a>`;
  });
}

/**
 * Kept HTML with its links coloured (and files shown) as their targets are now for this reader, and whether that
 * depends on who reads it (`bound`: a target is in a private space).
 */
export async function colourLinks(html: string, links: WikiLink[], access: Access): Promise<{ html: string; bound: boolean }> {
  if (!links.length) return { html, bound: false };
  const { targets, bound } = await linkTargetsNow(linkTargets(links), access);
  return { html: writeLinks(html, links, targets), bound };
}

/** Lock buckets: a title's bucket is a hash of it; 256 rows bound the locks a save with many links takes. */
const BUCKETS = 256;

function bucketOf(title: string): number {
  let h = 0x811c9dc5; // FNV-1a over UTF-16 code units
  for (let i = 0; i < title.length; i++) {
    h ^= title.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

/**
 * Order this transaction against others that change the same titles' state. A save takes its targets' buckets
 * shared; creating, deleting, moving or restoring a title (or making it a redirect or not) takes its bucket
 * exclusively, before it bumps the pages linking there. So a save that adds a link to a title being created
 * either commits before the creation's bump (which then sees the new link) or waits until the creation is
 * visible (so its view colours the link blue). Always taken before any page row, in bucket order, so the buckets
 * themselves cannot deadlock.
 */
export async function lockTitles(tx: Tx, { shared = [], exclusive = [] }: { shared?: Iterable<string>; exclusive?: Iterable<string> }) {
  const mode = new Map<number, "share" | "update">();
  for (const t of shared) mode.set(bucketOf(t), "share");
  for (const t of exclusive) mode.set(bucketOf(t), "update");
  // runs of consecutive buckets of one mode are locked by one statement; the order stays ascending throughout
  const runs: { mode: "share" | "update"; buckets: number[] }[] = [];
  for (const [bucket, m] of [...mode.entries()].sort((a, b) => a[0] - b[0])) {
    const last = runs.at(-1);
    if (last?.mode === m) last.buckets.push(bucket);
    else runs.push({ mode: m, buckets: [bucket] });
  }
  for (const run of runs) {
    if (run.mode === "share") {
      await tx.$queryRaw`SELECT bucket FROM link_locks WHERE bucket = ANY(${run.buckets}::int[]) ORDER BY bucket FOR SHARE`;
    } else {
      await tx.$queryRaw`SELECT bucket FROM link_locks WHERE bucket = ANY(${run.buckets}::int[]) ORDER BY bucket FOR UPDATE`;
    }
  }
}

/**
 * Make `targets` the titles page `pageId` links to (only the difference is written). A File: page lists the pages
 * that show it, so one that gains or loses a page here gets a new view version too.
 */
export async function setPageLinks(tx: Tx, pageId: number, targets: string[]) {
  const removed = await tx.$queryRaw<{ target: string }[]>`
    DELETE FROM links WHERE source_id = ${pageId} AND NOT (target = ANY(${targets}::text[])) RETURNING target`;
  const added = targets.length
    ? await tx.$queryRaw<{ target: string }[]>`
      INSERT INTO links (source_id, target) SELECT ${pageId}, t FROM unnest(${targets}::text[]) AS t
      ON CONFLICT DO NOTHING RETURNING target`
    : [];
  const files = [...removed, ...added].map((r) => r.target).filter((t) => t.startsWith(FILE_PREFIX)).sort();
  if (files.length) {
    await tx.$executeRaw`
      WITH f AS (SELECT id FROM pages WHERE title = ANY(${files}::text[]) AND id <> ${pageId} ORDER BY id FOR NO KEY UPDATE)
      UPDATE pages SET view_version = view_version + 1 FROM f WHERE pages.id = f.id`;
  }
}

/**
 * Bump `view_version` of every page linking to one of `titles`, so their cached views (keyed by it) are made
 * afresh with the new colour. Rows are locked in id order, so two bumps wait for each other instead of
 * deadlocking. One statement, however many pages link there.
 */
export async function bumpBacklinks(tx: Tx, titles: string[]): Promise<number> {
  if (!titles.length) return 0;
  const files = titles.filter((t) => t.startsWith(FILE_PREFIX));
  if (files.length) {
    // an embed of a File: redirect shows the file it leads to: its pages change with that file too
    const redirects = await tx.$queryRaw<{ title: string }[]>`
      SELECT title FROM pages WHERE redirect_to = ANY(${files}::text[]) AND title IS NOT NULL`;
    titles = [...titles, ...redirects.map((r) => r.title)];
  }
  return tx.$executeRaw`
    WITH linking AS (
      SELECT id FROM pages WHERE id IN (SELECT source_id FROM links WHERE target = ANY(${titles}::text[]))
      ORDER BY id FOR NO KEY UPDATE
    )
    UPDATE pages SET view_version = view_version + 1 FROM linking WHERE pages.id = linking.id`;
}

/** A title cursor in lists ordered by title: continue after it. */
type TitlePage = { limit: number; after?: string };

/** Pages this reader may read whose current text links to `title` (existing or not), by title. */
export async function listBacklinks(title: string, { limit, after }: TitlePage, access: Access) {
  const rows = await db().$queryRaw<{ title: string }[]>`
    SELECT p.title FROM links l JOIN pages p ON p.id = l.source_id
    WHERE l.target = ${title} AND p.title IS NOT NULL AND p.latest_revision_id IS NOT NULL AND ${visibleSql("p", access)}
      AND (${after ?? null}::text IS NULL OR p.title > ${after ?? null}::text)
    ORDER BY p.title LIMIT ${limit + 1}`;
  const pages = rows.slice(0, limit).map((r) => ({ title: r.title, slug: slugOf(r.title) }));
  return { pages, next: rows.length > limit ? pages.at(-1)!.title : null };
}

/**
 * Titles that are linked to but have no page this reader may read, most linked first (then by title), counting
 * links from pages they may read only. The cursor is "<links>:<title>" of the last row shown.
 */
export async function listWanted({ limit, after }: TitlePage, access: Access) {
  const cursor = after ? parseWantedCursor(after) : null;
  const rows = await db().$queryRaw<{ title: string; links: number }[]>`
    SELECT l.target AS title, count(*)::int AS links
    FROM links l JOIN pages s ON s.id = l.source_id AND s.title IS NOT NULL AND ${visibleSql("s", access)}
    WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.title = l.target AND p.latest_revision_id IS NOT NULL AND ${visibleSql("p", access)})
    GROUP BY l.target
    HAVING ${cursor === null}::boolean
      OR count(*) < ${cursor?.links ?? 0}::int
      OR (count(*) = ${cursor?.links ?? 0}::int AND l.target > ${cursor?.title ?? ""}::text)
    ORDER BY links DESC, title ASC LIMIT ${limit + 1}`;
  const pages = rows.slice(0, limit).map((r) => ({ title: r.title, slug: slugOf(r.title), links: r.links }));
  const last = pages.at(-1);
  return { pages, next: rows.length > limit && last ? `${last.links}:${last.title}` : null };
}

/** "<links>:<title>"; anything else continues after the end (an empty page). */
function parseWantedCursor(cursor: string): { links: number; title: string } {
  const m = /^(\d{1,9}):(.*)$/s.exec(cursor);
  return m ? { links: Number(m[1]), title: m[2] ?? "" } : { links: 0, title: "" };
}

/** A random page this reader may read that is not a redirect, or null when there is none (an index probe, not a table scan). */
export async function randomPageTitle(access: Access): Promise<string | null> {
  const visible = visibleText("pages", 1, access);
  const { rows } = await sqlPool().query<{ title: string }>(`
    WITH bounds AS (SELECT min(id) AS lo, max(id) AS hi FROM pages)
    (SELECT title FROM pages, bounds WHERE id >= lo + floor(random() * (hi - lo + 1))
       AND title IS NOT NULL AND latest_revision_id IS NOT NULL AND redirect_to IS NULL AND ${visible.sql} ORDER BY id LIMIT 1)
    UNION ALL
    (SELECT title FROM pages WHERE title IS NOT NULL AND latest_revision_id IS NOT NULL AND redirect_to IS NULL AND ${visible.sql} ORDER BY id LIMIT 1)
    LIMIT 1`, [visible.value]);
  return rows[0]?.title ?? null;
}
