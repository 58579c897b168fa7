// The HTTP front's rules (scripts/serve.mjs), pure so they can be tested alone. Plain JavaScript: the front runs
// outside Next.js's bundle, straight from node.
import { normaliseTitleParts } from "../wiki/title-rules.js";

/** Largest body of any request; the app's own fields have smaller limits (page text: 1 MiB of Markdown). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Largest body of a sign-in or sign-up request: a few short fields. */
export const MAX_AUTH_BODY_BYTES = 64 * 1024;

/**
 * Can this path name anything? Every %-escape must be well formed UTF-8, and no segment may be empty, "." or "..":
 * Next.js would silently merge "a//b" into "a/b" and redirect "a/../b" to "b", so a title with such a subpage
 * name would be taken for another page instead of being refused.
 * @param {string} url the raw request target (path and query)
 * @returns {boolean}
 */
export function acceptablePath(url) {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  const segments = pathname.split("/").slice(1);
  for (const [i, segment] of segments.entries()) {
    // empty only as the last segment (a trailing slash, or the root itself)
    if (segment === "" && i < segments.length - 1) return false;
    let decoded;
    try {
      decoded = segment.includes("%") ? decodeURIComponent(segment) : segment;
    } catch {
      return false;
    }
    if (decoded === "." || decoded === "..") return false;
  }
  return true;
}

/** React pages whose path names a page title: the front refuses a bad title with a 400 (they cannot). */
const TITLED_PAGES = ["/edit/", "/history/", "/talk/", "/move/", "/delete/", "/restore/", "/backlinks/"];

/**
 * Why the title in the path of a titled React page is not allowed (the title rules' message), or null when it is
 * fine or the path names no title. The pages themselves show the same notice, but only the front can answer 400.
 * @param {string} url the raw request target (path and query)
 * @returns {string | null}
 */
export function pageTitleProblem(url) {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  const prefix = TITLED_PAGES.find((p) => pathname.startsWith(p));
  if (!prefix) return null;
  let decoded;
  try {
    decoded = pathname.slice(prefix.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    return "malformed percent-encoding";
  }
  return normaliseTitleParts(decoded.replaceAll("_", " ")).problem;
}

/**
 * The body limit of a request path.
 * @param {string} url
 * @returns {number}
 */
export function bodyLimit(url) {
  return url.startsWith("/api/auth/") || url.startsWith("/api/accounts") ? MAX_AUTH_BODY_BYTES : MAX_BODY_BYTES;
}

/**
 * The client's address: the socket's peer, unless `trustedProxies` (TRUST_PROXY) says that many proxies we run
 * stand in front, each appending the address it saw to X-Forwarded-For; then the n-th address from the right is
 * the client's (the ones further left were written by the client and prove nothing).
 * @param {string | string[] | undefined} forwardedFor the X-Forwarded-For header
 * @param {string | undefined} peer the socket's remote address
 * @param {number} trustedProxies
 * @returns {string}
 */
export function clientAddress(forwardedFor, peer, trustedProxies) {
  if (trustedProxies > 0) {
    const hops = [forwardedFor ?? []].flat().join(",").split(",").map((h) => h.trim()).filter(Boolean);
    if (hops.length) return /** @type {string} */ (hops[Math.max(0, hops.length - trustedProxies)]);
  }
  return peer ?? "unknown";
}
