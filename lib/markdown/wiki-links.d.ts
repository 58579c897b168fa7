// Types of wiki-links.js (plain JavaScript: it runs in the render worker too).
import type { Embed, WikiLink } from "./render";

export declare const FILE_PREFIX: string;
export declare const WIKILINK: RegExp;
export type ParsedWikiLink = { title: string | null | undefined; fragment: string; label: string; embed: Embed | null };
/** Widest embed asked for. */
export declare const MAX_EMBED_WIDTH: number;
/** An embed's options (MediaWiki's image options), from the parts after its first `|`. */
export declare function parseEmbedOptions(parts: string[]): Embed;
/** What the text between `[[` and `]]` says (title undefined: not a valid title; null: a section of this page). */
export declare function parseWikiLink(inner: string): ParsedWikiLink;
/** The link as the renderer records it. */
export declare function wikiLinkOf(link: ParsedWikiLink): WikiLink;
/** The wiki links of a Markdown text, found in one linear pass without rendering it. */
export declare function scanWikiLinks(markdown: string): WikiLink[];
