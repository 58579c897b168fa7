// The title rules (README, "Titles"), in plain JavaScript (types in title-rules.d.ts) because the Markdown renderer
// reads wiki links with them in its worker thread. lib/wiki/titles.ts wraps them for the app (errors as 400s).

/** Longest title, in characters (code points), after normalisation. */
export const MAX_TITLE_LENGTH = 200;

// Soft hyphen, zero-width and directional marks, bidi embeddings/overrides and isolates: invisible, and a
// classic way to make two titles that look the same.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g;
const SPACES = /[\s_]+/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const FORBIDDEN = /[#<>[\]{}|\\]/;

/**
 * A title normalised (NFC, invisible characters removed, runs of spaces and underscores as one space, trimmed),
 * with the reason it is not allowed, or problem null when it is.
 * @param {string} raw
 * @returns {{ title: string, problem: string | null }}
 */
export function normaliseTitleParts(raw) {
  const title = raw.normalize("NFC").replace(INVISIBLE, "").normalize("NFC").replace(SPACES, " ").trim();
  return { title, problem: titleProblem(title) };
}

/**
 * The normalised title, or null when it is not allowed.
 * @param {string} raw
 */
export function normaliseTitleOrNull(raw) {
  const { title, problem } = normaliseTitleParts(raw);
  return problem ? null : title;
}

/**
 * Why a normalised title is not allowed, or null when it is fine.
 * @param {string} title
 */
function titleProblem(title) {
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

/**
 * The slug of a normalised title: spaces become underscores.
 * @param {string} title
 */
export function slugOf(title) {
  return title.replaceAll(" ", "_");
}

/**
 * The URL path form of a title: each `/`-separated segment of the slug percent-encoded.
 * @param {string} title
 */
export function encodeSlug(title) {
  // ":" is left as it is: legal in a path, and namespaces read better (/wiki/File:Map.png)
  return slugOf(title).split("/").map((s) => encodeURIComponent(s).replaceAll("%3A", ":")).join("/");
}
