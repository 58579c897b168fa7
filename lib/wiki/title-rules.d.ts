// Types of title-rules.js (plain JavaScript, because the render worker uses it).

/** Longest title, in characters (code points), after normalisation. */
export declare const MAX_TITLE_LENGTH: number;
/** A title normalised, and why it is not allowed (null when it is). */
export declare function normaliseTitleParts(raw: string): { title: string; problem: string | null };
/** The normalised title, or null when it is not allowed. */
export declare function normaliseTitleOrNull(raw: string): string | null;
/** The slug of a normalised title: spaces become underscores. */
export declare function slugOf(title: string): string;
/** The URL path form of a title: each `/`-separated segment of the slug percent-encoded. */
export declare function encodeSlug(title: string): string;
