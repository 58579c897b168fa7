// Types of syntax.js (plain JavaScript: it runs in the render worker and in the browser).
import type { MarkedExtension, TokenizerExtension } from "marked";

export declare const MAX_MATH_CHARS: number;
export declare const wikiLinkSyntax: TokenizerExtension;
export declare const blockMathSyntax: TokenizerExtension;
export declare const inlineMathSyntax: TokenizerExtension;
/** Footnotes and alerts, the same for the renderer and the editor. */
export declare function syntaxPlugins(): MarkedExtension[];
/** Everything Vellum reads, for a lexer that only reads (fresh each time). */
export declare function editorSyntax(): MarkedExtension[];
