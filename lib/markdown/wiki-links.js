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
 * MediaWiki's image options in an embed (`[[File:X.png|200px|right|thumb|alt=Text|link=Page|Caption]]`): a width
 * `Npx` (or `NxMpx`, whose height is dropped), an alignment, a frame, `alt=` and `link=`. Any other part is text;
 * the last such part is the caption.
 */
const WIDTH_OPTION = /^(\d{1,5})(?:x\d{1,5})?\s*px$/i;
const ALIGN_OPTIONS = new Map([["left", "left"], ["right", "right"], ["center", "center"], ["centre", "center"], ["none", "none"]]);
const FRAME_OPTIONS = new Map([["thumb", "thumb"], ["thumbnail", "thumb"], ["frame", "frame"], ["framed", "frame"], ["frameless", "frameless"]]);
/** Widest embed asked for (wider is shown at this width). */
export const MAX_EMBED_WIDTH = 4000;

/**
 * An embed's options, read from the parts after its first `|`.
 * @param {string[]} parts
 * @returns {import("./render").Embed}
 */
export function parseEmbedOptions(parts) {
  /** @type {import("./render").Embed} */
  const embed = { alt: "", caption: "" };
  let alt = null;
  for (const raw of parts) {
    const part = raw.trim();
    const lower = part.toLowerCase();
    const width = WIDTH_OPTION.exec(part);
    if (width) embed.width = Math.min(MAX_EMBED_WIDTH, Math.max(1, Number(width[1])));
    else if (ALIGN_OPTIONS.has(lower)) embed.align = ALIGN_OPTIONS.get(lower);
    else if (FRAME_OPTIONS.has(lower)) embed.frame = FRAME_OPTIONS.get(lower);
    else if (/^alt\s*=/i.test(part)) alt = part.slice(part.indexOf("=") + 1).trim();
    else if (/^link\s*=/i.test(part)) embed.link = part.slice(part.indexOf("=") + 1).trim();
    else if (part) embed.caption = part;
  }
  embed.alt = alt ?? embed.caption;
  return embed;
}

/**
 * What the text between `[[` and `]]` says: `Title`, `Title|label`, `Title#Section`, `#Section`, `:File:X.png`
 * (a link to the file's page) or `File:X.png|options|caption` (the file shown). `title` is undefined when the
 * target is not a valid title (the text stays as typed) and null for a link to a section of the same page.
 * @param {string} inner
 * @returns {{ title: string | null | undefined, fragment: string, label: string, embed: import("./render").Embed | null }}
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
  if (rawTitle.trim() === "") return fragment ? { title: null, fragment, label, embed: null } : { title: undefined, fragment: "", label: typed, embed: null };
  const plain = rawTitle.trimStart().startsWith(":");
  const title = normaliseTitleOrNull(plain ? rawTitle.trimStart().slice(1) : rawTitle);
  const isEmbed = !plain && !!title?.startsWith(FILE_PREFIX) && !fragment;
  // an embed's parts after `|` are its options and caption; without a caption the image has none
  const embed = isEmbed ? parseEmbedOptions(bar === -1 ? [] : inner.slice(bar + 1).split("|")) : null;
  return { title: title ?? undefined, fragment, label: title ? (plain && bar === -1 ? title : label) : typed, embed };
}

/** A wiki link (import("./render").WikiLink) as the renderer records it. @param {ReturnType<typeof parseWikiLink>} link */
export function wikiLinkOf(link) {
  return link.embed ? { title: /** @type {string} */ (link.title), fragment: "", embed: link.embed } : { title: /** @type {string} */ (link.title), fragment: link.fragment };
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
