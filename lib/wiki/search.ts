import "server-only";
import { sqlPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { escapeHtml } from "@/lib/markdown/render";
import { slugOf } from "./titles";

/**
 * Search, in PostgreSQL alone (docs/decisions/0017-talk-pages-and-search.md): full text over `pages.search_vector`
 * (title above text; words as written and English stems; GIN index, kept current in every change's transaction),
 * pg_trgm over titles (substrings and typos), and, for queries with characters outside ASCII (Japanese has no
 * spaces between words), a plain substring match over the text. Ranked: the exact title, then title matches,
 * then text matches by rank.
 */

/** Longest query accepted, in characters (longer: 400). */
export const MAX_QUERY_CHARS = 500;
/** One search may run this long in PostgreSQL before it gives up (503): its cost grows with the wiki. */
const STATEMENT_TIMEOUT_MS = 3000;
const SNIPPET_CHARS = 200;
const START = "\u0001";
const STOP = "\u0002";

export type SearchResult = { title: string; slug: string; snippet: string };

/** The query as searched: control characters (NUL among them, which PostgreSQL text cannot hold) become spaces. */
export function cleanQuery(raw: string): string {
  return raw.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
}

type Row = { title: string; total: string; headline: string | null; body: string };

export async function searchPages(raw: string, { limit, offset }: { limit: number; offset: number }): Promise<{ results: SearchResult[]; total: number }> {
  if ([...raw].length > MAX_QUERY_CHARS) throw new AppError("bad_request", `A search may have at most ${MAX_QUERY_CHARS} characters`);
  const q = cleanQuery(raw);
  if (!q) return { results: [], total: 0 };
  const substringOfText = /[^\u0000-\u007f]/.test(q);
  const client = await sqlPool().connect();
  try {
    await client.query("BEGIN READ ONLY");
    await client.query(`SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    // PostgreSQL's default page cost (for spinning disks) makes it read every page rather than combine the GIN
    // indexes; at an SSD's cost it combines them: 10-40 ms instead of 300 over 10,000 pages (docs/bench.md)
    await client.query("SET LOCAL random_page_cost = 1.1");
    const { rows } = await client.query<Row>(
      // the tsqueries are written out (not taken from a CTE) so the planner sees constants and combines the GIN
      // indexes (full text, title trigrams) in one bitmap scan instead of reading every page
      `WITH found AS (
         SELECT p.id, p.title, p.latest_revision_id,
                p.title = $1 AS exact,
                lower(p.title) = lower($1) AS exact_ci,
                (strpos(lower(p.title), lower($1)) > 0
                  OR ts_filter(p.search_vector, '{a}') @@ (websearch_to_tsquery('simple', $1) || websearch_to_tsquery('english', $1))) AS in_title,
                ts_rank(p.search_vector, websearch_to_tsquery('simple', $1)) + ts_rank(p.search_vector, websearch_to_tsquery('english', $1)) AS rank,
                word_similarity($1, p.title) AS sim
         FROM pages p
         WHERE p.title IS NOT NULL AND p.latest_revision_id IS NOT NULL AND (
           p.search_vector @@ websearch_to_tsquery('simple', $1) OR p.search_vector @@ websearch_to_tsquery('english', $1)
           OR p.title % $1 OR $1 <% p.title
           OR p.title ILIKE '%' || $2 || '%'
           OR ($3 AND EXISTS (SELECT 1 FROM revisions r WHERE r.id = p.latest_revision_id AND strpos(lower(r.markdown), lower($1)) > 0))
         )
       ),
       ranked AS (
         SELECT *, count(*) OVER () AS total FROM found
         ORDER BY exact DESC, exact_ci DESC, in_title DESC, rank DESC, sim DESC, title
         LIMIT $4 OFFSET $5
       )
       SELECT ranked.title, ranked.total::text AS total,
              ts_headline('simple', translate(left(r.markdown, 20000), E'\\x01\\x02', ''),
                websearch_to_tsquery('simple', $1) || websearch_to_tsquery('english', $1),
                'StartSel=${START}, StopSel=${STOP}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS headline,
              translate(left(r.markdown, 20000), E'\\x01\\x02', '') AS body
       FROM ranked JOIN revisions r ON r.id = ranked.latest_revision_id
       ORDER BY exact DESC, exact_ci DESC, in_title DESC, rank DESC, sim DESC, ranked.title`,
      [q, escapeLike(q), substringOfText, limit, offset],
    );
    await client.query("COMMIT");
    return {
      results: rows.map((r) => ({ title: r.title, slug: slugOf(r.title), snippet: snippetOf(r, q) })),
      total: Number(rows[0]?.total ?? 0),
    };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    if ((e as { code?: string }).code === "57014") {
      throw new AppError("unavailable", "This search took too long; try more specific words");
    }
    throw e;
  } finally {
    client.release();
  }
}

/** `%`, `_` and `\` taken literally in ILIKE. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The snippet: PostgreSQL's headline around the matched words, or (for a substring match) the text around the
 * first occurrence, or the beginning of the text. The page text is escaped; only the <mark> around matches is HTML.
 */
function snippetOf(row: Row, q: string): string {
  if (row.headline?.includes(START)) return markUp(row.headline);
  const at = row.body.toLowerCase().indexOf(q.toLowerCase());
  if (at >= 0) {
    const from = Math.max(0, at - SNIPPET_CHARS / 2);
    const text = row.body.slice(from, at) + START + row.body.slice(at, at + q.length) + STOP + row.body.slice(at + q.length, at + q.length + SNIPPET_CHARS / 2);
    return (from > 0 ? "… " : "") + markUp(text) + " …";
  }
  const start = [...row.body].slice(0, SNIPPET_CHARS).join("");
  return escapeHtml(start) + (start.length < row.body.length ? " …" : "");
}

function markUp(text: string): string {
  return escapeHtml(text.replace(/\s+/g, " ")).replaceAll(START, "<mark>").replaceAll(STOP, "</mark>");
}
