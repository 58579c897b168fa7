// The wiki link syntax, read once for the renderer (render.js, as a marked extension) and for the linear scan
// that records a page's links when its render gave up (plainTextFallback): both read a link the same way.
// Plain JavaScript (types in wiki-links.d.ts): it runs in the render worker too.
import { slug as githubSlug } from "github-slugger";
import { normaliseTitleOrNull } from "../wiki/title-rules.js";

/** The namespace of file titles: `[[File:Name.png]]` and `![alt](File:Name.png)` show the file (an embed). */
export const FILE_PREFIX = "File:";

/** Longest text between `[[` and `]]` read as a wiki link (a title has at most 200 characters; labels add some). */
const MAX_WIKILINK_CHARS = 1000;
/** A wiki link at the start of `src`. */
export const WIKILINK = new RegExp(`^\\[\\[([^\\[\\]\\n]{1,${MAX_WIKILINK_CHARS}}?)\\]\\]`);

/**
 * What the text between `[[` and `]]` says: `Title`, `Title|label`, `Title#Section`, `#Section`, `:File:X.png`
 * (a link to the file's page) or `File:X.png|alt` (the file shown). `title` is undefined when the target is not a
 * valid title (the text stays as typed) and null for a link to a section of the same page.
 * @param {string} inner
 * @returns {{ title: string | null | undefined, fragment: string, label: string, embed: boolean, alt: string }}
 */
export function parseWikiLink(inner) {
  const bar = inner.indexOf("|");
  const target = (bar === -1 ? inner : inner.slice(0, bar)).trim();
  const label = bar === -1 ? target : inner.slice(bar + 1).trim() || target;
  const hash = target.indexOf("#");
  const rawTitle = hash === -1 ? target : target.slice(0, hash);
  const section = hash === -1 ? "" : target.slice(hash + 1).trim();
  const fragment = section ? githubSlug(section) : "";
  const typed = `[[${inner}]]`;
  if (rawTitle.trim() === "") return fragment ? { title: null, fragment, label, embed: false, alt: "" } : { title: undefined, fragment: "", label: typed, embed: false, alt: "" };
  const plain = rawTitle.trimStart().startsWith(":");
  const title = normaliseTitleOrNull(plain ? rawTitle.trimStart().slice(1) : rawTitle);
  const embed = !plain && !!title?.startsWith(FILE_PREFIX) && !fragment;
  // an embed's text after `|` is its alt text and caption; without one the image has no caption
  const alt = embed && bar !== -1 ? inner.slice(bar + 1).trim() : "";
  return { title: title ?? undefined, fragment, label: title ? (plain && bar === -1 ? title : label) : typed, embed, alt };
}

/** A wiki link (import("./render").WikiLink) as the renderer records it. @param {ReturnType<typeof parseWikiLink>} link */
export function wikiLinkOf(link) {
  return link.embed ? { title: /** @type {string} */ (link.title), fragment: "", embed: { alt: link.alt, caption: link.alt !== "" } } : { title: /** @type {string} */ (link.title), fragment: link.fragment };
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CODE_SPAN = /`[^`\n]*`/g;
const LINK_ANYWHERE = /\[\[([^\[\]\n]{1,1000}?)\]\]/g;

/**
 * The wiki links of a Markdown text found without rendering it: one pass over its lines (fenced code and code
 * spans skipped, as the renderer skips them), linear in the text whatever it holds. What a page links to is
 * recorded from this when its render gave up, so its links, backlinks and link colours never wait for a render.
 * @param {string} markdown
 * @returns {import("./render").WikiLink[]}
 */
export function scanWikiLinks(markdown) {
  /** @type {import("./render").WikiLink[]} */
  const links = [];
  let fence = "";
  for (const line of markdown.split("\n")) {
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length) fence = "";
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    if (!line.includes("[[")) continue;
    for (const m of line.replace(CODE_SPAN, "").matchAll(LINK_ANYWHERE)) {
      const link = parseWikiLink(m[1]);
      if (typeof link.title === "string") links.push(wikiLinkOf(link));
    }
  }
  return links;
}
