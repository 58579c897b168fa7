import { AppError } from "@/lib/errors";
import { encodeSlug, normaliseTitleParts } from "./title-rules.js";

export { MAX_TITLE_LENGTH, slugOf, encodeSlug } from "./title-rules.js";

/**
 * Normalise a title by the rules the README states ("Using it": Titles), or throw a 400 AppError saying what is wrong with it.
 * Idempotent: normaliseTitle(normaliseTitle(x)) === normaliseTitle(x).
 */
export function normaliseTitle(raw: string): string {
  const { title, problem } = normaliseTitleParts(raw);
  if (problem) throw new AppError("bad_request", `Invalid title: ${problem}`);
  return title;
}

/** The title a slug (already percent-decoded) names, normalised; throws a 400 AppError when invalid. */
function titleFromSlug(slug: string): string {
  return normaliseTitle(slug.replaceAll("_", " "));
}

/**
 * Decode a raw (still percent-encoded) URL path tail into a title. Malformed escapes are a 400, never a 500.
 */
export function titleFromPath(encodedTail: string): string {
  let decoded: string;
  try {
    decoded = encodedTail.split("/").map(decodeURIComponent).join("/");
  } catch {
    throw new AppError("bad_request", "Invalid title: malformed percent-encoding");
  }
  return titleFromSlug(decoded);
}

/** The title from a catch-all route parameter (Next.js hands its segments over still percent-encoded). */
export function titleFromParam(param: string | string[] | undefined): string {
  const segments = Array.isArray(param) ? param : param ? [param] : [];
  return titleFromPath(segments.join("/"));
}

/** Links to a page's views. */
export const pagePaths = {
  view: (title: string) => `/wiki/${encodeSlug(title)}`,
  edit: (title: string) => `/edit/${encodeSlug(title)}`,
  history: (title: string) => `/history/${encodeSlug(title)}`,
  /** Who wrote each line. */
  blame: (title: string) => `/blame/${encodeSlug(title)}`,
  backlinks: (title: string) => `/backlinks/${encodeSlug(title)}`,
  talk: (title: string) => `/talk/${encodeSlug(title)}`,
  move: (title: string) => `/move/${encodeSlug(title)}`,
  delete: (title: string) => `/delete/${encodeSlug(title)}`,
  restore: (title: string) => `/restore/${encodeSlug(title)}`,
  /** Upload a file (a first one, or a new version) to a File: title. */
  upload: (title: string) => `/upload/${encodeSlug(title)}`,
  /** The current version of a File: page's file (302 to its immutable URL). */
  file: (title: string) => `/file/${encodeSlug(title)}`,
};
