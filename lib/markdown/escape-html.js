// Escaping text for HTML, in plain JavaScript (types in escape-html.d.ts): the renderer, the app and the HTTP front
// (scripts/serve.mjs, outside Next.js's bundle) all use this one function.

/**
 * Escape text for an HTML text node or a quoted attribute value.
 * @param {string} text
 * @returns {string}
 */
export function escapeHtml(text) {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}
