import "server-only";
import type pg from "pg";
import { searchPool } from "@/lib/db";
import { isTimeout } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { queryWords, snippetOf, trigramKey } from "./search-text";
import { MAX_QUERY_CHARS } from "./query-schemas.js";
import { slugOf } from "./titles";
import { visibleText, type Access } from "@/lib/auth/access";

/**
 * Search, in PostgreSQL alone (decisions 0017 and 0018): full text over `pages.search_vector` (title above
 * text; words as written and English stems; GIN index, kept current in every change's transaction), pg_trgm over
 * titles (substrings and typos), a dictionary of the wiki's words that corrects a mistyped word, and, for
 * queries with characters outside ASCII (Japanese has no spaces between words), a plain substring match over the
 * reader text. Ranked: the exact title, then title matches, then text matches by rank.
 *
 * Bounded: a query is at most 500 characters and uses at most 10 distinct words, and searches run on a pool of
 * their own (SEARCH_POOL_SIZE connections), so a burst of searches queues there instead of taking the
 * connections saves and views need.
 */

/** The lowest pg_trgm similarity at which a dictionary word is offered in place of a word that matches nothing. */
const CORRECTION_SIMILARITY = 0.4;

export type SearchResult = { title: string; slug: string; snippet: string };
export type SearchAnswer = {
  results: SearchResult[];
  total: number;
  /** Set when no page matched the query as typed and the results are for a corrected one. */
  correction: { query: string; original: string } | null;
  /** A corrected query worth offering when the query as typed did find pages (results are for the query as typed). */
  didYouMean: string | null;
  /** How many distinct words of the query were left out (beyond the first 10). */
  ignoredWords: number;
};

/** Does a result's title hold the query as typed (ignoring case), so that the reader found what they named? */
function namesAResult(q: string, results: { title: string }[]): boolean {
  const wanted = q.toLocaleLowerCase();
  return results.some((r) => r.title.toLocaleLowerCase().includes(wanted));
}

/** The query as searched: control characters (NUL among them, which PostgreSQL text cannot hold) become spaces. */
export function cleanQuery(raw: string): string {
  return raw.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
}

type Row = { title: string; total: string; body: string; stems: string[] };
type Options = { limit: number; offset: number; asTyped?: boolean };

/** Search the pages this reader may read (results, totals, snippets and spelling corrections alike: decision 0029). */
export async function searchPages(raw: string, { limit, offset, asTyped = false }: Options, access: Access): Promise<SearchAnswer> {
  if ([...raw].length > MAX_QUERY_CHARS) throw new AppError("bad_request", `A search may have at most ${MAX_QUERY_CHARS} characters`);
  const q = cleanQuery(raw);
  const { words, ignored } = queryWords(q);
  const empty: SearchAnswer = { results: [], total: 0, correction: null, didYouMean: null, ignoredWords: ignored };
  if (!q) return empty;
  let client: pg.PoolClient;
  try {
    client = await searchPool().connect();
  } catch {
    throw new AppError("unavailable", "Search is busy right now; try again in a moment");
  }
  try {
    await client.query("BEGIN READ ONLY");
    // PostgreSQL's default page cost (for spinning disks) makes it read every page rather than combine the GIN
    // indexes; at an SSD's cost it combines them: 10-40 ms instead of 300 over 10,000 pages (docs/bench.md)
    await client.query("SET LOCAL random_page_cost = 1.1");
    const found = await find(client, q, words, { limit, offset }, access);
    const corrected = asTyped ? null : await correct(client, words, access);
    let answer: SearchAnswer = { ...found, correction: null, didYouMean: null, ignoredWords: ignored };
    if (corrected && found.total === 0) {
      const retry = await find(client, corrected.join(" "), corrected, { limit, offset }, access);
      if (retry.total > 0) answer = { ...retry, correction: { query: corrected.join(" "), original: q }, didYouMean: null, ignoredWords: ignored };
    } else if (corrected && !namesAResult(q, found.results)) {
      // offered only when the query as typed did not find the page it names: a title holding it answers the reader
      answer.didYouMean = corrected.join(" ");
    }
    await client.query("COMMIT");
    return answer;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    if (isTimeout(e)) throw new AppError("unavailable", "This search took too long; try more specific words");
    throw e;
  } finally {
    client.release();
  }
}

/** One search for `q` (its title matching) and `words` (its full text), with snippets. */
async function find(client: pg.PoolClient, q: string, words: string[], { limit, offset }: { limit: number; offset: number }, access: Access) {
  const text = words.join(" ");
  const substringOfText = /[^\u0000-\u007f]/.test(q);
  const visible = visibleText("p", 7, access);
  const { rows } = await client.query<Row>(
    // the tsqueries are written out (not taken from a CTE) so the planner sees constants and combines the GIN
    // indexes (full text, title trigrams) in one bitmap scan instead of reading every page
    `WITH found AS (
       SELECT p.id, p.title,
              p.title = $1 AS exact,
              lower(p.title) = lower($1) AS exact_ci,
              (strpos(lower(p.title), lower($1)) > 0
                OR ts_filter(p.search_vector, '{a}') @@ (plainto_tsquery('simple', $2) || plainto_tsquery('english', $2))) AS in_title,
              ts_rank(p.search_vector, plainto_tsquery('simple', $2)) + ts_rank(p.search_vector, plainto_tsquery('english', $2)) AS rank,
              word_similarity($1, p.title) AS sim
       FROM pages p
       WHERE p.title IS NOT NULL AND p.latest_revision_id IS NOT NULL AND ${visible.sql} AND (
         p.search_vector @@ plainto_tsquery('simple', $2) OR p.search_vector @@ plainto_tsquery('english', $2)
         OR p.title % $1 OR $1 <% p.title
         OR p.title ILIKE '%' || $3 || '%'
         OR ($4 AND strpos(lower(p.search_text), lower($1)) > 0)
       )
     ),
     ranked AS (
       SELECT *, count(*) OVER () AS total FROM found
       ORDER BY exact DESC, exact_ci DESC, in_title DESC, rank DESC, sim DESC, title
       LIMIT $5 OFFSET $6
     )
     -- the text for snippets is read for the page of results only, never for every match
     SELECT ranked.title, ranked.total::text AS total, coalesce(left(p.search_text, 20000), '') AS body,
            tsvector_to_array(to_tsvector('english', $2)) AS stems
     FROM ranked JOIN pages p ON p.id = ranked.id
     ORDER BY exact DESC, exact_ci DESC, in_title DESC, rank DESC, sim DESC, ranked.title`,
    [q, text, escapeLike(q), substringOfText, limit, offset, visible.value],
  );
  // the query's English stems (the same in every row), so a snippet marks "gardens" for "gardening"
  const stems = rows[0]?.stems ?? [];
  return {
    results: rows.map((r) => ({ title: r.title, slug: slugOf(r.title), snippet: snippetOf(r.body, q, words, stems) })),
    total: Number(rows[0]?.total ?? 0),
  };
}

/**
 * The query with each word no page uses replaced by the most similar word the wiki's pages use (pg_trgm over the
 * dictionary, the most used first among equals); null when no word needed or found a correction. A word counts
 * (as known, or as a correction) only when a page this reader may read has it: the dictionary is the wiki's, the
 * check is theirs (the full-text index), so no suggestion and no silence tells of a page they may not read.
 */
async function correct(client: pg.PoolClient, words: string[], access: Access): Promise<string[] | null> {
  const candidates = words.filter((w) => w.length >= 3 && !/^\p{N}+$/u.test(w));
  if (!candidates.length) return null;
  const readable = (word: string, n: number) => {
    const visible = visibleText("p", n, access);
    return {
      sql: `EXISTS (SELECT 1 FROM pages p WHERE p.search_vector @@ plainto_tsquery('simple', ${word}) AND p.title IS NOT NULL AND ${visible.sql})`,
      value: visible.value,
    };
  };
  const knownCheck = readable("w.word", 2);
  const { rows: known } = await client.query<{ word: string }>(
    `SELECT w.word FROM search_words w WHERE w.word = ANY($1::text[]) AND w.pages > 0 AND ${knownCheck.sql}`,
    [candidates, knownCheck.value],
  );
  const unknown = candidates.filter((w) => !known.some((k) => k.word === w));
  if (!unknown.length) return null;
  const fixes = new Map<string, string>();
  const fixCheck = readable("c.word", 3);
  for (const word of unknown) {
    const key = trigramKey(word);
    // the most similar few, then the first of them a readable page has
    const { rows } = await client.query<{ word: string }>(
      `SELECT c.word FROM (
         SELECT word, similarity(key, $1) AS sim, pages FROM search_words WHERE key % $1 AND similarity(key, $1) >= $2 AND pages > 0
         ORDER BY similarity(key, $1) DESC, pages DESC, word LIMIT 20) c
       WHERE ${fixCheck.sql} ORDER BY c.sim DESC, c.pages DESC, c.word LIMIT 1`,
      [key, CORRECTION_SIMILARITY, fixCheck.value],
    );
    if (rows[0]) fixes.set(word, rows[0].word);
  }
  return fixes.size ? words.map((w) => fixes.get(w) ?? w) : null;
}

/** `%`, `_` and `\` taken literally in ILIKE. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
