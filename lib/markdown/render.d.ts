// Types of render.js (plain JavaScript, because it also runs in the render worker thread).

/** A heading of the rendered page, for the table of contents. */
export type Heading = { level: number; id: string; text: string };

/**
 * How an embed shows its file (MediaWiki's image options): alt text, the caption shown under it ("" for none), a
 * width in CSS pixels, an alignment, a frame, and where the image links (absent: the file's page; "": nowhere; a
 * title or an http(s) address).
 */
export type Embed = {
  alt: string;
  caption: string;
  width?: number;
  align?: "left" | "right" | "center" | "none";
  frame?: "thumb" | "frame" | "frameless";
  link?: string;
};

/**
 * A wiki link of the rendered page: its target title and section (a heading id without the user-content- prefix).
 * `embed`: the link shows a file (`[[File:X.png|200px|thumb|Caption]]`, `![alt](File:X.png)`).
 */
export type WikiLink = { title: string; fragment: string; embed?: Embed };

/** The namespace of file titles. */
export declare const FILE_PREFIX: string;

/** The HTML marks the i-th wiki link as `<a data-wl="i">label</a>` (see lib/wiki/links.ts colourLinks). */
export type Rendered = { html: string; toc: Heading[]; links: WikiLink[] };

/** Pages with at least this many headings get a table of contents. */
export declare const TOC_MIN_HEADINGS: number;
/** Bumped whenever the HTML made from the same Markdown changes (kept renders of older versions are redone). */
export declare const RENDERER_VERSION: number;
/** Prefix of every id in user HTML, so pages cannot clobber the app's own ids. */
export declare const USER_ID_PREFIX: string;
/** Deepest nesting of block quotes and lists accepted. */
export declare const MAX_NESTING: number;

/** Clean untrusted HTML with the allow-list. */
export declare function sanitize(html: string, nonce?: string | null): string;
/** Markdown to safe HTML with heading anchors and a table of contents. Pure and synchronous. */
export declare function renderMarkdown(markdown: string): Rendered;
/** The title a page redirects to (`#REDIRECT [[Title]]` at its start), else null. */
export declare function redirectTarget(markdown: string): string | null;
/** How deeply block quotes and lists nest on one line. */
export declare function nestingDepth(markdown: string): number;
/** The text shown escaped, for Markdown that could not be formatted within the limits. */
export declare function plainTextFallback(markdown: string): Rendered;
/** Escape text for an HTML text node or a quoted attribute value. */
export declare function escapeHtml(text: string): string;
