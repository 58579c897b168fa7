// The query parameters of every list and page, as zod schemas in plain JavaScript: the API handlers and the React
// pages parse with them, and the HTTP front (scripts/serve.mjs, outside Next.js's bundle) checks the queries of
// React pages with the same schemas, so a bad query is a 400 everywhere (React pages cannot answer 400 themselves).
import { z } from "zod";

/** The largest id or number PostgreSQL's integer columns hold: anything above is a 400, not a database error. */
export const MAX_INT = 2 ** 31 - 1;
/** Longest search query accepted, in characters (longer: 400). */
export const MAX_QUERY_CHARS = 500;
/** What a change can be in recent changes (revision kinds, and comments). */
export const CHANGE_KINDS = /** @type {const} */ (["create", "edit", "revert", "move", "delete", "restore", "upload", "comment"]);

/**
 * `?limit=` of a list: 1-500, `byDefault` when absent (the contract: no endpoint returns an unbounded list).
 * @param {number} [byDefault]
 */
export const listLimit = (byDefault = 50) => z.coerce.number().int().min(1).max(500).default(byDefault);
const positiveInt = z.coerce.number().int().positive().max(MAX_INT);

/** A yes/no query parameter: 1, true or on for yes; 0, false or absent for no. */
const flag = z
  .enum(["1", "0", "true", "false", "on"])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "on");

/** A title cursor: at most 1000 characters, no NUL (which PostgreSQL text cannot hold). */
const cursorText = z.string().max(1000).regex(/^[^\u0000]*$/, "must not contain NUL");

/** A positive id (revision, comment, outbox message) in a path or query. */
export const positiveIdParam = positiveInt;

/** ?limit=&after= on lists ordered by title (`before` is accepted as the same cursor, as the API's other lists name it). */
export const titleListQuerySchema = z
  .object({ limit: listLimit(), after: cursorText.optional(), before: cursorText.optional() })
  .transform(({ limit, after, before }) => ({ limit, after: after ?? before }));

/** ?limit=&before= on lists paged by number (history, contributions). */
export const pageQuerySchema = z.object({ limit: listLimit(), before: positiveInt.optional() });

/** ?revision= of a blame (absent: the page's current revision). */
export const blameQuerySchema = z.object({ revision: positiveInt.optional() });

/** ?limit=&before= of a talk page (10 newest by default; at most 500, as every list). */
export const talkQuerySchema = z.object({ limit: listLimit(10), before: positiveInt.optional() });

const CHANGE_CURSOR = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)~([rc])(\d{1,10})$/;

/**
 * A recent-changes cursor (`<ISO time>~<r|c><id>`, as `next` gives it) read, or null when it is not one.
 * @param {string} cursor
 * @returns {{ at: Date, src: "r" | "c", id: number } | null}
 */
export function parseChangeCursor(cursor) {
  const m = CHANGE_CURSOR.exec(cursor);
  const at = m ? new Date(m[1]) : null;
  if (!m || !at || Number.isNaN(at.getTime()) || Number(m[3]) > MAX_INT) return null;
  return { at, src: /** @type {"r" | "c"} */ (m[2]), id: Number(m[3]) };
}

/** ?limit=&before=&kind=&hideMine= of recent changes. */
export const recentChangesQuerySchema = z.object({
  limit: listLimit(),
  before: z.string().max(100).refine((c) => parseChangeCursor(c) !== null, "not a cursor this list gave").optional(),
  kind: z.enum(CHANGE_KINDS).optional(),
  hideMine: flag,
});

/** ?q=&limit=&offset=&asTyped= of a search (asTyped=1: no spelling correction). */
export const searchQuerySchema = z.object({
  q: z.string().refine((q) => [...q].length <= MAX_QUERY_CHARS, `at most ${MAX_QUERY_CHARS} characters`).default(""),
  limit: listLimit(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  asTyped: flag,
});

/** ?from=&to= of a diff: two revision ids. */
export const diffQuerySchema = z.object({ from: positiveIdParam, to: positiveIdParam });

/**
 * The React pages whose query the front checks, by path prefix (a prefix ending in "/" takes a title after it).
 * @type {[string, import("zod").ZodType][]}
 */
export const PAGE_QUERIES = [
  ["/history/", pageQuerySchema],
  ["/blame/", blameQuerySchema],
  ["/talk/", talkQuerySchema],
  ["/users/", pageQuerySchema],
  ["/backlinks/", titleListQuerySchema],
  ["/recent-changes", recentChangesQuerySchema],
  ["/search", searchQuerySchema],
  ["/diff", diffQuerySchema],
  ["/wanted", titleListQuerySchema],
  ["/pages", titleListQuerySchema],
  ["/admin", titleListQuerySchema],
];
