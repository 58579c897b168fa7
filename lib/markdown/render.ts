import { Marked } from "marked";
import { gfmHeadingId, getHeadingList } from "marked-gfm-heading-id";
import sanitizeHtml from "sanitize-html";

/** A heading of the rendered page, for the table of contents. */
export type Heading = { level: number; id: string; text: string };

export type Rendered = { html: string; toc: Heading[] };

/** Pages with at least this many headings get a table of contents. */
export const TOC_MIN_HEADINGS = 3;

const marked = new Marked({ gfm: true, breaks: false, async: false }).use(gfmHeadingId());

/**
 * The allow-list. Everything not named here is removed; script, style and their contents are dropped.
 * URLs may only be http(s), mailto or relative; images only http(s) or relative. See docs/decisions/0003.
 */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "b", "i",
    "del", "s", "ins", "sup", "sub", "kbd", "mark", "small", "abbr", "ul", "ol", "li", "dl", "dt", "dd", "a",
    "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "details", "summary", "span", "div",
    "input", "figure", "figcaption",
  ],
  allowedAttributes: {
    a: ["href", "title", "class", "rel", "aria-hidden"],
    img: ["src", "alt", "title", "width", "height", "loading"],
    h1: ["id"], h2: ["id"], h3: ["id"], h4: ["id"], h5: ["id"], h6: ["id"],
    th: ["align", "colspan", "rowspan"],
    td: ["align", "colspan", "rowspan"],
    ol: ["start"],
    code: ["class"],
    abbr: ["title"],
    input: [{ name: "type", multiple: false, values: ["checkbox"] }, "checked", "disabled"],
  },
  allowedClasses: { code: ["language-*"], a: ["anchor"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (tagName, attribs) => {
      const external = /^https?:/i.test(attribs.href ?? "");
      const rel = external ? "nofollow ugc noopener noreferrer" : attribs.rel;
      return { tagName, attribs: rel ? { ...attribs, rel } : attribs };
    },
    input: (tagName, attribs) => ({ tagName, attribs: { ...attribs, disabled: "" } }),
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: "lazy" } }),
  },
};

/** Clean untrusted HTML with the allow-list. */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

const HEADING_OPEN = /<h([1-6]) id="([^"]*)">/g;

/**
 * Markdown to safe HTML: marked (GFM), heading ids and anchors, then the sanitizer as the last step, so nothing
 * added before it can smuggle markup through. Pure: the editor's preview and saved pages use the same function.
 */
export function renderMarkdown(markdown: string): Rendered {
  const raw = marked.parse(markdown) as string;
  const toc = getHeadingList().map((h) => ({ level: h.level, id: h.id, text: h.raw }));
  const anchored = raw.replace(
    HEADING_OPEN,
    (_m, level: string, id: string) => `<h${level} id="${id}"><a class="anchor" href="#${id}" aria-hidden="true">#</a>`,
  );
  return { html: sanitize(anchored), toc: toc.length >= TOC_MIN_HEADINGS ? toc : [] };
}

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
