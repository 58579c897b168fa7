/**
 * CSRF defence for cookie-authenticated requests that change state: the request must come from a page of this
 * site, as told by Origin (or Referer when a browser sends no Origin). "This site" is the configured public URL
 * or the Host the request was sent to; a browser never lets a page of another site forge either header.
 */
export function isSameOrigin(headers: Headers, publicUrl?: string): boolean {
  const source = headers.get("origin") ?? headers.get("referer");
  if (!source || source === "null") return false;
  let host: string;
  try {
    host = new URL(source).host;
  } catch {
    return false;
  }
  const allowed = new Set<string>();
  const requestHost = headers.get("x-forwarded-host") ?? headers.get("host");
  if (requestHost) allowed.add(requestHost.toLowerCase());
  if (publicUrl) {
    try {
      allowed.add(new URL(publicUrl).host.toLowerCase());
    } catch {
      // an invalid public URL is reported by lib/config
    }
  }
  return allowed.has(host.toLowerCase());
}
