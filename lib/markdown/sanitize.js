import sanitizeHtml from "sanitize-html";

// The sanitizer's allow-list for Markdown's HTML (docs/decisions/0003), apart from the renderer (render.js) that
// calls it. Plain JavaScript: it runs in the render worker too.

/**
 * Ids and names in user HTML get this prefix (as GitHub does), so a page cannot define an element id the app's
 * own markup or scripts rely on (e.g. `__next_f`); in-page links (`#x`) are rewritten to match.
 */
export const USER_ID_PREFIX = "user-content-";

/** The nonce of the render whose markers may pass (set for one synchronous sanitize call). @type {string | null} */
let markers = null;

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
    "input", "figure", "figcaption", "section",
  ],
  allowedAttributes: {
    a: ["href", "title", "class", "rel", "aria-label", "data-wl", "id"],
    li: ["id"],
    p: ["class"],
    section: ["class"],
    span: ["class", "data-math"],
    div: ["class"],
    img: ["src", "alt", "title", "width", "height", "loading"],
    h1: ["id"], h2: ["id"], h3: ["id"], h4: ["id"], h5: ["id"], h6: ["id"],
    th: ["align", "colspan", "rowspan"],
    td: ["align", "colspan", "rowspan"],
    ol: ["start"],
    code: ["class"],
    abbr: ["title"],
    input: [{ name: "type", multiple: false, values: ["checkbox"] }, "checked", "disabled"],
  },
  allowedClasses: {
    code: ["language-*", "hljs"], a: ["anchor"], span: ["hljs-*"], div: ["math-display", "markdown-alert", "markdown-alert-*"],
    p: ["markdown-alert-title"], section: ["footnotes"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowedSchemesAppliedToAttributes: ["href", "src", "cite"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (tagName, attribs) => {
      if (attribs["data-wl"] !== undefined) {
        // only this render's own markers survive; they carry nothing else (the app writes the link)
        if (markers && attribs["data-wl"].startsWith(`${markers}-`)) return { tagName, attribs: { "data-wl": attribs["data-wl"] } };
        delete attribs["data-wl"];
      }
      const external = /^https?:/i.test(attribs.href ?? "");
      const rel = external ? "nofollow ugc noopener noreferrer" : attribs.rel;
      const href = attribs.href?.startsWith("#") && attribs.href.length > 1 ? `#${prefixed(attribs.href.slice(1))}` : attribs.href;
      const out = { ...attribs, ...(rel ? { rel } : {}), ...(href !== undefined ? { href } : {}), ...(attribs.id ? { id: prefixed(attribs.id) } : {}) };
      return { tagName, attribs: out };
    },
    span: (tagName, attribs) => {
      // only this render's own formula markers survive, bare (the formula goes back in after sanitizing)
      if (attribs["data-math"] !== undefined) {
        if (markers && attribs["data-math"].startsWith(`${markers}-`)) return { tagName, attribs: { "data-math": attribs["data-math"] } };
        delete attribs["data-math"];
      }
      return { tagName, attribs };
    },
    li: withUserId, h1: withUserId, h2: withUserId, h3: withUserId, h4: withUserId, h5: withUserId, h6: withUserId,
    input: (tagName, attribs) => ({ tagName, attribs: { ...attribs, disabled: "" } }),
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: "lazy" } }),
  },
};

/**
 * Clean untrusted HTML with the allow-list. `nonce`: the render in progress's, whose link and formula markers (and
 * only those) keep their data attributes.
 * @param {string} html
 * @param {string | null} [nonce]
 */
export function sanitize(html, nonce = null) {
  markers = nonce;
  try {
    return sanitizeHtml(html, SANITIZE);
  } finally {
    markers = null;
  }
}

