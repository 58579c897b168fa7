import { AppError } from "@/lib/errors";

/** Longest title, in characters (code points), after normalisation. */
export const MAX_TITLE_LENGTH = 200;

// Soft hyphen, zero-width and directional marks, bidi embeddings/overrides and isolates: invisible, and a
// classic way to make two titles that look the same.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g;
const SPACES = /[\s_]+/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const FORBIDDEN = /[#<>[\]{}|\\]/;

/**
 * Normalise a title by the rules the README states ("Using it": Titles), or throw a 400 AppError saying what is wrong with it.
 * Idempotent: normaliseTitle(normaliseTitle(x)) === normaliseTitle(x).
 */
export function normaliseTitle(raw: string): string {
  const title = raw.normalize("NFC").replace(INVISIBLE, "").normalize("NFC").replace(SPACES, " ").trim();
  const problem = titleProblem(title);
  if (problem) throw new AppError("bad_request", `Invalid title: ${problem}`);
  return title;
}

/** Why a normalised title is not allowed, or null when it is fine. */
function titleProblem(title: string): string | null {
  const length = [...title].length;
  if (length === 0) return "it is empty";
  if (length > MAX_TITLE_LENGTH) return `it is longer than ${MAX_TITLE_LENGTH} characters`;
  if (CONTROL.test(title)) return "it contains a control character";
  const bad = title.match(FORBIDDEN);
  if (bad) return `it contains the character ${bad[0]}`;
  for (const segment of title.split("/")) {
    const s = segment.trim();
    if (s === "") return "a subpage name is empty";
    if (s === "." || s === "..") return `a subpage name is "${s}"`;
  }
  return null;
}

/** The slug of a normalised title: spaces become underscores. */
export function slugOf(title: string): string {
  return title.replaceAll(" ", "_");
}

/** The title a slug (already percent-decoded) names, normalised; throws a 400 AppError when invalid. */
export function titleFromSlug(slug: string): string {
  return normaliseTitle(slug.replaceAll("_", " "));
}

/** The URL path form of a title: each `/`-separated segment of the slug percent-encoded. */
export function encodeSlug(title: string): string {
  return slugOf(title).split("/").map(encodeURIComponent).join("/");
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
};
