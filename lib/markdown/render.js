import { Marked } from "marked";
import { gfmHeadingId, getHeadingList } from "marked-gfm-heading-id";
import { randomBytes } from "node:crypto";
import hljs from "highlight.js";
import katex from "katex";
import { normaliseTitleOrNull } from "../wiki/title-rules.js";
import { escapeHtml } from "./escape-html.js";
import { USER_ID_PREFIX, sanitize } from "./sanitize.js";
import { FILE_PREFIX, scanWikiLinks, wikiLinkOf } from "./wiki-links.js";
import { blockMathSyntax, inlineMathSyntax, syntaxPlugins, wikiLinkSyntax } from "./syntax.js";

export { escapeHtml, sanitize, USER_ID_PREFIX };

// Markdown to safe HTML. Plain JavaScript (types in render.d.ts) because it also runs in a worker thread
// (render-worker.js), which must start the same way in the built app and under the tests' TypeScript loader.
// The syntax extensions (wiki links, file embeds, math) and the code renderer share the render in progress
// (`current`: its nonce, links and formulas); the wiki link syntax is read in wiki-links.js and the allow-list is in
// sanitize.js, which lets only this render's nonce-marked markers through (a page's own HTML never forges one).

/** @typedef {import("./render").Heading} Heading */
/** @typedef {import("./render").Rendered} Rendered */
/** @typedef {import("./render").WikiLink} WikiLink */

/** Pages with at least this many headings get a table of contents. */
export const TOC_MIN_HEADINGS = 3;

/**
 * Bumped whenever the HTML made from the same Markdown changes, so that HTML kept in PostgreSQL
 * (revision_renders) by an older renderer is made again on first need.
 */
export const RENDERER_VERSION = 6;

/** Deepest nesting of block quotes and lists accepted (marked recurses once per level). */
export const MAX_NESTING = 64;

/**
 * The render in progress (renders are synchronous, so one at a time per thread): the wiki links met so far, the
 * formulas typeset so far, and a random nonce that only this render's markers carry, so a page's own HTML cannot
 * forge one.
 * @type {{ nonce: string, links: WikiLink[], math: string[] } | null}
 */
let current = null;

export { FILE_PREFIX };

/**
 * Record a wiki link (or a file embed) of the render in progress and return its marker, `<a data-wl="i">label</a>`.
 * @param {WikiLink} link
 * @param {string} label the text shown, escaped here
 */
function linkMarker(link, label) {
  if (!current) return escapeHtml(label);
  current.links.push(link);
  return `<a data-wl="${current.nonce}-${current.links.length - 1}">${escapeHtml(label)}</a>`;
}

/** Wiki links rendered as markers (see syntax.js for what they are). @type {import("marked").TokenizerAndRendererExtension} */
const wikiLinks = {
  ...wikiLinkSyntax,
  renderer(token) {
    const label = escapeHtml(token.label);
    if (token.title === undefined) return label; // not a valid title: the text as typed
    if (token.title === null) return `<a href="#${escapeHtml(token.fragment)}">${label}</a>`; // this page's section
    return linkMarker(wikiLinkOf(/** @type {any} */ (token)), token.embed ? token.embed.alt || token.title : token.label);
  },
};

/** KaTeX's own bounds: macro expansions per formula, and the largest size (em) a formula may ask for. */
const KATEX_OPTIONS = { throwOnError: false, trust: false, strict: false, maxExpand: 500, maxSize: 20, output: "htmlAndMathml" };

/**
 * A formula typeset by KaTeX at render time (so no view pays for it), kept aside and put back after the sanitizer:
 * KaTeX's output is built by KaTeX from the escaped formula (`trust: false`: no links, no HTML, no classes of the
 * writer's), and needs the inline styles the sanitizer would remove.
 * @param {string} tex
 * @param {boolean} display
 */
function mathMarker(tex, display) {
  if (!current) return escapeHtml(tex);
  current.math.push(katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode: display }));
  return `<span data-math="${current.nonce}-${current.math.length - 1}"></span>`;
}

/** A displayed formula (`$$ ... $$` on lines of their own). @type {import("marked").TokenizerAndRendererExtension} */
const blockMath = { ...blockMathSyntax, renderer: (token) => `<div class="math-display">${mathMarker(token.tex, true)}</div>\n` };

/** A formula in running text. @type {import("marked").TokenizerAndRendererExtension} */
const inlineMath = { ...inlineMathSyntax, renderer: (token) => mathMarker(token.tex, token.display) };

/**
 * Code blocks with a language highlight.js knows are highlighted at render time; its output is escaped text in
 * `<span class="hljs-…">`, which the sanitizer keeps. No language, or an unknown one: plain (no guessing, which
 * would cost a pass per language).
 */
const renderer = {
  /** @param {{ text: string, lang?: string }} token */
  code({ text, lang }) {
    const language = (lang ?? "").trim().split(/\s+/)[0] ?? "";
    const code = text.replace(/\n$/, "");
    if (language && hljs.getLanguage(language)) {
      const highlighted = hljs.highlight(code, { language, ignoreIllegals: true }).value;
      return `<pre><code class="hljs language-${escapeHtml(language)}">${highlighted}</code></pre>\n`;
    }
    return `<pre><code${language ? ` class="language-${escapeHtml(language)}"` : ""}>${escapeHtml(code)}</code></pre>\n`;
  },
  /**
   * `![alt](File:Name.png)` shows a file of the wiki (an embed, coloured like a link when the view is made); any
   * other image is an ordinary `<img>`.
   * @param {{ href: string, title?: string | null, text: string }} token
   */
  image({ href, title, text }) {
    const file = fileTitleOfHref(href);
    if (file) return linkMarker({ title: file, fragment: "", embed: { alt: text, caption: "" } }, text || file);
    return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}"${title ? ` title="${escapeHtml(title)}"` : ""}>`;
  },
};

/**
 * The file title an image's address names (`File:Name.png`, `File:Name_x.png` or percent-encoded), else null.
 * @param {string} href
 */
function fileTitleOfHref(href) {
  if (!href.startsWith(FILE_PREFIX)) return null;
  let decoded = href;
  try {
    decoded = decodeURIComponent(href);
  } catch {
    return null;
  }
  const title = normaliseTitleOrNull(decoded);
  return title?.startsWith(FILE_PREFIX) ? title : null;
}

/** A marked with Vellum's syntax and renderers. */
const newMarked = () =>
  new Marked({ gfm: true, breaks: false, async: false })
    .use(gfmHeadingId({ prefix: USER_ID_PREFIX }))
    .use(...syntaxPlugins(), { extensions: [blockMath, wikiLinks, inlineMath], renderer });

// The footnote plugin keeps state from a render's start to its end; a render that fails midway gets a fresh
// marked, so the next one never starts from its leftovers.
let marked = newMarked();

/**
 * The title a page redirects to when its text starts with `#REDIRECT [[Title]]` (any case), else null.
 * @param {string} markdown
 * @returns {string | null}
 */
export function redirectTarget(markdown) {
  const m = /^\s*#REDIRECT[ \t]*:?[ \t]*\[\[([^\[\]\n|#]{1,400})(?:#[^\[\]\n|]*)?(?:\|[^\[\]\n]*)?\]\]/i.exec(markdown);
  return m ? normaliseTitleOrNull(m[1]) : null;
}

const HEADING_OPEN = /<h([1-6]) id="([^"]*)">/g;

/**
 * Markdown to safe HTML: marked (GFM), heading ids and anchors, then the sanitizer as the last step, so nothing
 * added before it can smuggle markup through. Pure: the editor's preview and saved pages use the same function.
 */
export function renderMarkdown(markdown) {
  if (nestingDepth(markdown) > MAX_NESTING) return plainTextFallback(markdown);
  const nonce = randomBytes(12).toString("hex");
  current = { nonce, links: [], math: [] };
  try {
    let raw;
    try {
      raw = /** @type {string} */ (marked.parse(markdown));
    } catch (e) {
      marked = newMarked();
      throw e;
    }
    const toc = getHeadingList().map((h) => ({ level: h.level, id: h.id, text: h.raw }));
    const headingText = new Map(toc.map((h) => [h.id, h.text]));
    // the anchor is a real, labelled link (a keyboard reaches it, a screen reader names it), never a hidden one
    const anchored = raw.replace(
      HEADING_OPEN,
      (_m, level, id) =>
        `<h${level} id="${id}"><a class="anchor" href="#${id}" aria-label="Link to the section ${escapeHtml(`“${headingText.get(id) ?? id}”`)}">#</a>`,
    );
    const math = current.math;
    const html = sanitize(anchored, nonce)
      .replaceAll(`data-wl="${nonce}-`, 'data-wl="')
      .replace(new RegExp(`<span data-math="${nonce}-(\\d+)"></span>`, "g"), (_m, i) => math[Number(i)] ?? "");
    return { html, toc: toc.length >= TOC_MIN_HEADINGS ? toc : [], links: current.links };
  } finally {
    current = null;
  }
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
    // what the page links to is still recorded (backlinks, colours, wanted pages): read without rendering
    links: scanWikiLinks(markdown),
  };
}

