import { z } from "zod";
import { PAYLOAD_TOO_LARGE } from "@/lib/errors";
import { MAX_NESTING, nestingDepth } from "@/lib/markdown/render";

/** Largest page text, in UTF-8 bytes. */
export const MAX_MARKDOWN_BYTES = 1024 * 1024;
export const MAX_SUMMARY_LENGTH = 500;

/** Markdown of a page (or a preview): at most MAX_MARKDOWN_BYTES, and no pathological nesting. */
export const markdownSchema = z
  .string()
  .refine((s) => Buffer.byteLength(s, "utf8") <= MAX_MARKDOWN_BYTES, { message: PAYLOAD_TOO_LARGE, abort: true })
  .refine((s) => nestingDepth(s) <= MAX_NESTING, {
    message: `block quotes and lists may nest at most ${MAX_NESTING} deep`,
  });
const markdown = markdownSchema;

/** Edit summaries are one line of text: line breaks and other control characters become spaces. */
const summary = z
  .string()
  .max(MAX_SUMMARY_LENGTH * 2)
  .transform((s) => s.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim())
  .refine((s) => [...s].length <= MAX_SUMMARY_LENGTH, { message: `at most ${MAX_SUMMARY_LENGTH} characters` });

/** The largest id or number PostgreSQL's integer columns hold: anything above is a 400, not a database error. */
const MAX_INT = 2 ** 31 - 1;

/** A string longer than this (in UTF-16 units) cannot be 10,000 characters: 413 without counting them. */
const MAX_COMMENT_UNITS = 20_000;

const revisionId = z.number().int().positive().max(MAX_INT);

/** PUT /api/pages/{slug} */
export const savePageSchema = z
  .object({ markdown, summary: summary.optional(), baseRevisionId: revisionId.nullable() })
  .strict();

/** POST /api/revert/{slug} */
export const revertSchema = z.object({ revisionId, summary: summary.optional() }).strict();

/** A page title as typed (normalised and checked by the handler: lib/wiki/titles.ts). */
const titleText = z.string().min(1).max(1000);

/** POST /api/move/{slug} */
export const moveSchema = z
  .object({ to: titleText, leaveRedirect: z.boolean().default(true), summary: summary.optional() })
  .strict();

/** DELETE /api/pages/{slug}: why (shown on the deleted page's notice and in its history). */
export const deletePageSchema = z.object({ reason: summary.optional() }).strict();

/** POST /api/restore/{slug} */
export const restoreSchema = z.object({ summary: summary.optional() }).strict();

/** A title cursor: at most 1000 characters, no NUL (which PostgreSQL text cannot hold). */
const cursorText = z.string().max(1000).regex(/^[^\u0000]*$/, "must not contain NUL");

/** ?limit=&after= on lists ordered by title (`before` is accepted as the same cursor, as the API's other lists name it). */
export const titleListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    after: cursorText.optional(),
    before: cursorText.optional(),
  })
  .transform(({ limit, after, before }) => ({ limit, after: after ?? before }));

/** POST /api/talk/{slug}: a comment, 1-10,000 characters of Markdown (longer: 413). */
export const commentSchema = z
  .object({
    content: z
      .string()
      .refine((s) => s.length <= MAX_COMMENT_UNITS && [...s].length <= 10_000, { message: PAYLOAD_TOO_LARGE, abort: true })
      .refine((s) => s.trim().length > 0, { message: "must not be empty" })
      .refine((s) => nestingDepth(s) <= MAX_NESTING, { message: `block quotes and lists may nest at most ${MAX_NESTING} deep` }),
  })
  .strict();

/** ?limit=&before= of a talk page (10 newest by default; at most 500, as every list). */
export const talkQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(10),
  before: z.coerce.number().int().positive().max(MAX_INT).optional(),
});

/** A yes/no query parameter: 1, true or on for yes; 0, false or absent for no. */
const flag = z.enum(["1", "0", "true", "false", "on"]).optional().transform((v) => v === "1" || v === "true" || v === "on");

/** ?limit=&before=&kind=&hideMine= of recent changes. */
export const recentChangesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().max(100).optional(),
  kind: z.enum(["create", "edit", "revert", "move", "delete", "restore", "comment"]).optional(),
  hideMine: flag,
});

/**
 * ?q=&limit=&offset=&asTyped= of a search (q: any text up to 500 characters; checked by lib/wiki/search.ts;
 * asTyped=1: no spelling correction).
 */
export const searchQuerySchema = z.object({
  q: z.string().default(""),
  limit: z.coerce.number().int().min(1).max(500).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
  asTyped: flag,
});

/** POST /api/preview */
export const previewSchema = z.object({ markdown }).strict();

/** ?limit=&before= on lists */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().max(MAX_INT).optional(),
});

/** A revision id in a path or query. */
export const revisionIdParam = z.coerce.number().int().positive().max(MAX_INT);

/** ?from=&to= of a diff: two revision ids. */
export const diffQuerySchema = z.object({ from: revisionIdParam, to: revisionIdParam });

export type SavePageInput = z.infer<typeof savePageSchema>;
