import { Marked } from "marked";
import { gfmHeadingId, getHeadingList } from "marked-gfm-heading-id";
import sanitizeHtml from "sanitize-html";

// Markdown to safe HTML. Plain JavaScript (types in render.d.ts) because it also runs in a worker thread
// (render-worker.js), which must start the same way in the built app and under the tests' TypeScript loader.

/** @typedef {import("./render").Heading} Heading */
/** @typedef {import("./render").Rendered} Rendered */

/** Pages with at least this many headings get a table of contents. */
export const TOC_MIN_HEADINGS = 3;

/**
 * Bumped whenever the HTML made from the same Markdown changes, so that HTML kept in PostgreSQL
 * (revision_renders) by an older renderer is made again on first need.
 */
export const RENDERER_VERSION = 2;

/**
 * Ids and names in user HTML get this prefix (as GitHub does), so a page cannot define an element id the app's
 * own markup or scripts rely on (e.g. `__next_f`); in-page links (`#x`) are rewritten to match.
 */
export const USER_ID_PREFIX = "user-content-";

/** Deepest nesting of block quotes and lists accepted (marked recurses once per level). */
export const MAX_NESTING = 64;

const marked = new Marked({ gfm: true, breaks: false, async: false }).use(gfmHeadingId({ prefix: USER_ID_PREFIX }));

/** @param {string} id */
function prefixed(id) {
  return id.startsWith(USER_ID_PREFIX) ? id : USER_ID_PREFIX + id;
}

/** @type {sanitizeHtml.Transformer} */
const withUserId = (tagName, attribs) => ({
  tagName,
  attribs: attribs.id ? { ...attribs, id: prefixed(attribs.id) } : attribs,
});

/**
 * The allow-list. Everything not named here is removed; script, style and their contents are dropped.
 * URLs may only be http(s), mailto or relative; images only http(s) or relative. See docs/decisions/0003.
 */
/** @type {sanitizeHtml.IOptions} */
const SANITIZE = {
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
      const href = attribs.href?.startsWith("#") && attribs.href.length > 1 ? `#${prefixed(attribs.href.slice(1))}` : attribs.href;
      const out = { ...attribs, ...(rel ? { rel } : {}), ...(href !== undefined ? { href } : {}) };
      return { tagName, attribs: out };
    },
    h1: withUserId, h2: withUserId, h3: withUserId, h4: withUserId, h5: withUserId, h6: withUserId,
    input: (tagName, attribs) => ({ tagName, attribs: { ...attribs, disabled: "" } }),
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: "lazy" } }),
  },
};

/** Clean untrusted HTML with the allow-list. */
export function sanitize(html) {
  return sanitizeHtml(html, SANITIZE);
}

const HEADING_OPEN = /<h([1-6]) id="([^"]*)">/g;

/**
 * Markdown to safe HTML: marked (GFM), heading ids and anchors, then the sanitizer as the last step, so nothing
 * added before it can smuggle markup through. Pure: the editor's preview and saved pages use the same function.
 */
export function renderMarkdown(markdown) {
  if (nestingDepth(markdown) > MAX_NESTING) return plainTextFallback(markdown);
  const raw = /** @type {string} */ (marked.parse(markdown));
  const toc = getHeadingList().map((h) => ({ level: h.level, id: h.id, text: h.raw }));
  const anchored = raw.replace(
    HEADING_OPEN,
    (_m, level, id) => `<h${level} id="${id}"><a class="anchor" href="#${id}" aria-hidden="true">#</a>`,
  );
  return { html: sanitize(anchored), toc: toc.length >= TOC_MIN_HEADINGS ? toc : [] };
}

/**
 * How deeply the Markdown nests block quotes and lists on one line (`> > - > 1. x` is 4). Linear; used to refuse
 * pathological input (thousands of `>`) before the recursive parser sees it.
 */
export function nestingDepth(markdown) {
  let deepest = 0;
  const marker = /^[ \t]{0,3}(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]*/;
  for (const line of markdown.split("\n")) {
    let depth = 0;
    let rest = line;
    for (let m = marker.exec(rest); m && m[0].length > 0; m = marker.exec(rest)) {
      depth++;
      rest = rest.slice(m[0].length);
      if (depth > MAX_NESTING) return depth;
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/**
 * What a page shows when its Markdown could not be formatted within the limits (too slow, or too deeply nested):
 * the text itself, escaped, so nothing is lost and nothing runs.
 */
export function plainTextFallback(markdown) {
  return {
    html:
      '<p class="notice render-fallback">This text is too complex to format within our limits, so it is shown as plain text.</p>' +
      `<pre class="plain-text">${escapeHtml(markdown)}</pre>`,
    toc: [],
  };
}

/** Escape text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text) {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
