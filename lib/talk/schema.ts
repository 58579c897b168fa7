import { z } from "zod";
import { PAYLOAD_TOO_LARGE } from "@/lib/errors";
import { MAX_NESTING, nestingDepth } from "@/lib/markdown/render";
import type { Actor } from "@/lib/auth/permissions";
import { MAX_COMMENT_CHARS } from "./limits";

export { talkQuerySchema } from "@/lib/wiki/query-schemas.js";

/** A string longer than this (in UTF-16 units) cannot be MAX_COMMENT_CHARS characters: 413 without counting them. */
const MAX_COMMENT_UNITS = MAX_COMMENT_CHARS * 2;

/** POST /api/talk/{slug}: a comment, 1-MAX_COMMENT_CHARS characters of Markdown (longer: 413). */
export const commentSchema = z
  .object({
    content: z
      .string()
      .refine((s) => s.length <= MAX_COMMENT_UNITS && [...s].length <= MAX_COMMENT_CHARS, { message: PAYLOAD_TOO_LARGE, abort: true })
      .refine((s) => s.trim().length > 0, { message: "must not be empty" })
      .refine((s) => nestingDepth(s) <= MAX_NESTING, { message: `block quotes and lists may nest at most ${MAX_NESTING} deep` }),
  })
  .strict();

/** Who posts: a signed-in person, or null for an anonymous comment (ALLOW_ANONYMOUS_COMMENTS=on). */
export type Poster = (Actor & { id: string; username: string }) | null;
