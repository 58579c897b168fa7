/**
 * next-auth's session cookie: plain or `__Secure-` (HTTPS), whole or split into `.0`, `.1`... chunks when large.
 * scripts/serve.mjs recognises it with the same pattern.
 */
const SESSION_COOKIE = /(^|;\s*)(__Secure-)?next-auth\.session-token(\.\d+)?=/;

/** Does this request carry a session cookie at all? Cheap: lets anonymous views skip decoding. */
export function hasSessionCookie(cookieHeader: string | null): boolean {
  return cookieHeader ? SESSION_COOKIE.test(cookieHeader) : false;
}
