import { z } from "zod";
import { PAYLOAD_TOO_LARGE } from "@/lib/errors";
import { MAX_NESTING, nestingDepth } from "@/lib/markdown/render";
import { MAX_INT } from "./query-schemas.js";

export {
  blameQuerySchema, diffQuerySchema, pageQuerySchema, positiveIdParam, recentChangesQuerySchema, searchQuerySchema, titleListQuerySchema,
} from "./query-schemas.js";

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
/** An edit summary's text on one line: line breaks and other control characters as spaces, runs of space as one. */
export function flattenSummary(s: string): string {
  return s.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim();
}

const summary = z
  .string()
  .max(MAX_SUMMARY_LENGTH * 2)
  .transform(flattenSummary)
  .refine((s) => [...s].length <= MAX_SUMMARY_LENGTH, { message: `at most ${MAX_SUMMARY_LENGTH} characters` });



const revisionId = z.number().int().positive().max(MAX_INT);

/** PUT /api/pages/{slug} */
export const savePageSchema = z
  .object({ markdown, summary: summary.optional(), baseRevisionId: revisionId.nullable() })
  .strict();

/** PUT /api/drafts/{slug}: the editor's text and the revision it started from (null: a new page). */
export const draftSchema = z.object({ markdown, baseRevisionId: revisionId.nullable() }).strict();

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

/** POST /api/preview */
export const previewSchema = z.object({ markdown }).strict();


/** POST /api/files/{slug}/revert */
export const revertFileSchema = z.object({ versionId: revisionId, summary: summary.optional() }).strict();

/** PUT /api/files/{slug}?summary=: the upload's query (the body is the file's bytes). */
export const uploadQuerySchema = z.object({ summary: summary.optional() });
