// Types of escape-html.js (plain JavaScript: the HTTP front uses it too).

/** Escape text for an HTML text node or a quoted attribute value. */
export declare function escapeHtml(text: string): string;
