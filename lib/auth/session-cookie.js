// Plain JavaScript so the HTTP front (scripts/serve.mjs) and the app recognise sessions with the one pattern.

/**
 * next-auth's session cookie: plain or `__Secure-` (HTTPS), whole or split into `.0`, `.1`... chunks when large.
 */
const SESSION_COOKIE = /(^|;\s*)(__Secure-)?next-auth\.session-token(\.\d+)?=/;

/**
 * Does this request carry a session cookie at all? Cheap: lets anonymous views skip decoding.
 * @param {string | null | undefined} cookieHeader
 * @returns {boolean}
 */
export function hasSessionCookie(cookieHeader) {
  return cookieHeader ? SESSION_COOKIE.test(cookieHeader) : false;
}
