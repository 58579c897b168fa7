import markedAlert from "marked-alert";
import markedFootnote from "marked-footnote";
import { WIKILINK, parseWikiLink } from "./wiki-links.js";

// The Markdown Vellum reads beyond GFM, as marked extensions that only read (tokenizers): the renderer
// (render.js) adds how each is written as HTML, and the editor's visual mode (lib/editor/visual.ts) reads pages
// with exactly these, so both see the same blocks and inline parts. Plain JavaScript: it runs in the render
// worker, and in the browser (nothing here needs Node or the renderer's typesetting).

/** Longest formula typeset (characters between the dollars); a longer one stays as the text typed. */
export const MAX_MATH_CHARS = 4000;

/**
 * Where a syntax extension may begin in `src` (marked asks, so it can stop its plain-text run there).
 * @param {string} marker
 * @returns {(src: string) => number | undefined}
 */
const startAt = (marker) => (src) => {
  const at = src.indexOf(marker);
  return at === -1 ? undefined : at;
};

/**
 * The wiki link syntax: `[[Title]]`, `[[Title|label]]`, `[[Title#Section]]`, `[[Title#Section|label]]`,
 * `[[#Section]]`, `[[File:X.png|options|caption]]`. An inline extension, so never inside code spans or blocks.
 * The renderer makes a link to a page a marker, `<a data-wl="i">label</a>`, which the app turns into a blue or
 * red link by whether the title is a page when the view is made (lib/wiki/links.ts colourLinks): the HTML kept
 * for a revision never goes stale. A target that is not a valid title stays as the text typed.
 * @type {import("marked").TokenizerExtension & { start: (src: string) => number | undefined }}
 */
export const wikiLinkSyntax = {
  name: "wikilink",
  level: "inline",
  start: startAt("[["),
  tokenizer(src) {
    const m = WIKILINK.exec(src);
    if (!m) return undefined;
    return { type: "wikilink", raw: m[0], ...parseWikiLink(m[1]) };
  },
};

/**
 * `$$ ... $$` on lines of their own: a displayed formula.
 * @type {import("marked").TokenizerExtension & { start: (src: string) => number | undefined }}
 */
export const blockMathSyntax = {
  name: "blockMath",
  level: "block",
  start: startAt("$$"),
  tokenizer(src) {
    const m = /^ {0,3}\$\$([^$]{1,4000}?)\$\$[ \t]*(?:\n|$)/.exec(src);
    if (!m || !m[1].trim()) return undefined;
    return { type: "blockMath", raw: m[0], tex: m[1].trim() };
  },
};

/**
 * `$...$` in running text (and `$$...$$` inside a paragraph, displayed). Like Pandoc, the opening `$` must be
 * followed and the closing one preceded by a non-space, and the closing one not followed by a digit, so prices
 * ("$5 and $10") stay text; a backtick ends the chance of a formula, so code spans keep their dollars.
 * @type {import("marked").TokenizerExtension & { start: (src: string) => number | undefined }}
 */
export const inlineMathSyntax = {
  name: "inlineMath",
  level: "inline",
  start: startAt("$"),
  tokenizer(src) {
    const display = /^\$\$(?!\s)([^$]{1,4000}?)(?<!\s)\$\$/.exec(src);
    if (display) return { type: "inlineMath", raw: display[0], tex: display[1], display: true };
    const m = /^\$(?![\s$])((?:\\\$|[^$\n`]){1,4000}?)(?<![\s\\])\$(?!\d)/.exec(src);
    if (!m || m[1].length > MAX_MATH_CHARS) return undefined;
    return { type: "inlineMath", raw: m[0], tex: m[1], display: false };
  },
};

/** GitHub's alerts, titled in words (the sanitizer drops the plugin's icons; the stylesheet colours each kind). */
const ALERTS = ["note", "tip", "important", "warning", "caution"].map((type) => ({ type, icon: "" }));

/**
 * The plugins for footnotes (`[^1]`) and alerts (`> [!NOTE]`), the same for the renderer and the editor.
 * @returns {import("marked").MarkedExtension[]}
 */
export function syntaxPlugins() {
  return [markedFootnote({ prefixId: "fn-", description: "Footnotes", refMarkers: false }), markedAlert({ variants: ALERTS })];
}

/**
 * Everything Vellum reads, for a lexer that only reads (the editor's visual mode); fresh each time, as the
 * footnote plugin keeps state through a text's lexing.
 * @returns {import("marked").MarkedExtension[]}
 */
export function editorSyntax() {
  return [...syntaxPlugins(), { extensions: [blockMathSyntax, wikiLinkSyntax, inlineMathSyntax] }];
}
