import { z } from "zod";
import { PAYLOAD_TOO_LARGE } from "@/lib/http/errors";

/** Largest page text, in UTF-8 bytes. */
export const MAX_MARKDOWN_BYTES = 1024 * 1024;
export const MAX_SUMMARY_LENGTH = 500;

const markdown = z
  .string()
  .refine((s) => Buffer.byteLength(s, "utf8") <= MAX_MARKDOWN_BYTES, { message: PAYLOAD_TOO_LARGE });

/** Edit summaries are one line of text: line breaks and other control characters become spaces. */
const summary = z
  .string()
  .max(MAX_SUMMARY_LENGTH * 2)
  .transform((s) => s.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim())
  .refine((s) => [...s].length <= MAX_SUMMARY_LENGTH, { message: `at most ${MAX_SUMMARY_LENGTH} characters` });

const revisionId = z.number().int().positive().max(2 ** 31 - 1);

/** PUT /api/pages/{slug} */
export const savePageSchema = z
  .object({ markdown, summary: summary.optional(), baseRevisionId: revisionId.nullable() })
  .strict();

/** POST /api/revert/{slug} */
export const revertSchema = z.object({ revisionId, summary: summary.optional() }).strict();

/** POST /api/preview */
export const previewSchema = z.object({ markdown }).strict();

/** ?limit=&before= on lists */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().optional(),
});

/** A revision id in a path or query. */
export const revisionIdParam = z.coerce.number().int().positive().max(2 ** 31 - 1);

export type SavePageInput = z.infer<typeof savePageSchema>;
