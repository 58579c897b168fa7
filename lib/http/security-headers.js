// Response headers every page carries, and the Content-Security-Policy of React pages. Plain JavaScript so that
// next.config.js and the HTTP front (scripts/serve.mjs) import it too.
/** @type {{ key: string, value: string }[]} */
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];

/**
 * The policy of a React page (docs/decisions/0014): scripts only with this response's nonce (and what they load),
 * images from anywhere, as Markdown allows. Pages such as /revision, /diff, /history, profiles and the editor's
 * preview show user HTML; it is sanitised, and this is the second line: a script the sanitiser ever let through
 * would carry no nonce and not run. Next.js reads the nonce from the request's policy header and puts it on its
 * own scripts.
 * @param {string} nonce
 * @returns {string}
 */
export function pageContentSecurityPolicy(nonce) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' https: http: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Does a request get a page policy? React pages do; the article view (/wiki) and files (/media, /file) send their own, stricter ones (no
 * script at all), API routes answer JSON, and /_next/ and public files are static.
 * @param {string} url
 * @returns {boolean}
 */
export function wantsPagePolicy(url) {
  return !/^\/(api|wiki|_next|media|file)\//.test(url) && !/^\/[^/?]+\.(css|ico|txt|png|svg|js)(\?|$)/.test(url);
}
