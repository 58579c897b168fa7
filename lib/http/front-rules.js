// The HTTP front's rules (scripts/serve.mjs), pure so they can be tested alone. Plain JavaScript: the front runs
// outside Next.js's bundle, straight from node.
import { normaliseTitleParts } from "../wiki/title-rules.js";
import { PAGE_QUERIES } from "../wiki/query-schemas.js";

/** Text PostgreSQL cannot hold: NUL, and UTF-16 surrogates that are not half of a pair. */
const UNSTORABLE = /\u0000|[\uD800-\uDFFF]/u;

/**
 * Does this text hold anything PostgreSQL cannot store (NUL, or an unpaired UTF-16 surrogate)? Every way in
 * refuses such text with a 400: paths and queries here, JSON bodies in lib/http/route.ts, sign-in forms in the
 * next-auth route.
 * @param {string} text
 * @returns {boolean}
 */
export function hasUnstorableText(text) {
  return UNSTORABLE.test(text);
}

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
    if (decoded === "." || decoded === ".." || hasUnstorableText(decoded)) return false;
  }
  return true;
}

/**
 * What is wrong with the query of this request target, or null: every name and value must be well-formed
 * percent-encoded UTF-8 without NUL (but for a search's words, which may hold anything: FREE_TEXT); and a React
 * page whose parameters are known (query-schemas.js PAGE_QUERIES) must have valid ones, since the page itself can
 * only show a notice.
 * @param {string} url the raw request target (path and query)
 * @returns {string | null}
 */
export function queryProblem(url) {
  const q = url.indexOf("?");
  if (q === -1) return null;
  const pathname = url.slice(0, q);
  /** @type {Record<string, string>} */
  const params = {};
  for (const pair of url.slice(q + 1).split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    if (FREE_TEXT.has(`${pathname}?${rawName}`)) {
      // a search's words are free text: any content is searched (the search removes what it cannot use), decoded
      // as leniently as Next.js decodes it; only its length is checked
      const [[freeName, freeValue] = ["", ""]] = new URLSearchParams(pair);
      if (!(freeName in params)) params[freeName] = freeValue;
      continue;
    }
    let name, value;
    try {
      name = decodeURIComponent(rawName.replaceAll("+", " "));
      value = eq === -1 ? "" : decodeURIComponent(pair.slice(eq + 1).replaceAll("+", " "));
    } catch {
      return "the query has malformed percent-encoding";
    }
    if (hasUnstorableText(name) || hasUnstorableText(value)) return "the query contains a NUL character";
    if (!(name in params)) params[name] = value;
  }
  const known = PAGE_QUERIES.find(([prefix]) => (prefix.endsWith("/") ? pathname.startsWith(prefix) : pathname === prefix));
  if (!known) return null;
  const parsed = known[1].safeParse(params);
  if (parsed.success) return null;
  return parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ");
}

/**
 * The origins that are this wiki: the public URL's (NEXTAUTH_URL); when that names the machine itself
 * (localhost, 127.0.0.1 or [::1]), the same scheme and port on the other loopback names too, so a browser on the
 * machine may use any of them. Nothing else: not the Host a request names (decision 0018).
 * @param {string} publicUrl
 * @returns {Set<string>}
 */
export function siteOrigins(publicUrl) {
  const url = new URL(publicUrl);
  const origins = new Set([url.origin]);
  if (LOOPBACK_NAMES.includes(url.hostname)) {
    for (const name of LOOPBACK_NAMES) origins.add(`${url.protocol}//${name}${url.port ? `:${url.port}` : ""}`);
  }
  return origins;
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** Query parameters that are free text, answered whatever they hold (the contract: any search up to 500 characters). */
const FREE_TEXT = new Set(["/search?q", "/api/search?q"]);

/**
 * Why a request that changes state (POST, PUT, PATCH, DELETE) must be refused as not coming from this site, or
 * null. Its Host must be one of the site's (a page on another name that resolves to this machine, DNS rebinding,
 * names its own); an Origin (or, without one, a Referer) must be one of the site's whole origins (scheme, host
 * and port); and a cookie-authenticated request must carry one of them. A request with a bearer token is exempt:
 * no page can forge its credential.
 * @param {{ method: string, host?: string | null, origin?: string | null, referer?: string | null, hasSession: boolean, hasBearer: boolean }} req
 * @param {Set<string>} origins siteOrigins(...)
 * @returns {string | null}
 */
export function crossSiteProblem(req, origins) {
  if (!STATE_CHANGING.has(req.method) || req.hasBearer) return null;
  if (req.host !== undefined) {
    // the app, behind the front, leaves the Host to the front (which knows the proxies in front of it)
    const host = (req.host ?? "").toLowerCase().replace(/:(80|443)$/, "");
    if (![...origins].some((o) => new URL(o).host === host)) return "this site does not answer to that host name";
  }
  const source = req.origin ?? req.referer ?? null;
  if (source === null) return req.hasSession ? "a signed-in change must come from a page of this site (no Origin)" : null;
  let origin;
  try {
    origin = new URL(source).origin;
  } catch {
    return "Origin does not match this site";
  }
  return origins.has(origin) ? null : "Origin does not match this site";
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** React pages whose path names a page title: the front refuses a bad title with a 400 (they cannot). */
const TITLED_PAGES = ["/edit/", "/history/", "/blame/", "/talk/", "/move/", "/delete/", "/restore/", "/backlinks/", "/upload/"];

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

/** Where files are uploaded (PUT, the raw bytes as the body): the only bodies allowed past MAX_BODY_BYTES. */
export const FILE_UPLOAD_PREFIX = "/api/files/";

/** Where an admin posts a MediaWiki export (streamed, never held whole): its own, larger body limit. */
export const IMPORT_PREFIX = "/api/admin/import/";
/** Largest export taken over HTTP; a larger one goes through `npm run import:mediawiki` on the server. */
export const MAX_IMPORT_BODY_BYTES = 512 * 1024 * 1024;

/**
 * The body limit of a request path: an upload's is the wiki's upload limit (UPLOAD_MAX_BYTES), an import's
 * MAX_IMPORT_BODY_BYTES, every other body's is far smaller.
 * @param {string} url
 * @param {number} uploadMaxBytes
 * @returns {number}
 */
export function bodyLimit(url, uploadMaxBytes) {
  if (url.startsWith("/api/auth/") || url.startsWith("/api/accounts")) return MAX_AUTH_BODY_BYTES;
  const path = url.split("?")[0] ?? url;
  if (path.startsWith(FILE_UPLOAD_PREFIX) && !path.endsWith("/revert")) return Math.max(uploadMaxBytes, MAX_BODY_BYTES);
  if (path.startsWith(IMPORT_PREFIX)) return MAX_IMPORT_BODY_BYTES;
  return MAX_BODY_BYTES;
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
    const hops = forwardedValues(forwardedFor);
    if (hops.length) return /** @type {string} */ (hops[Math.max(0, hops.length - trustedProxies)]);
  }
  return peer ?? "unknown";
}

/**
 * The host name a request was sent to: its Host header, or behind `trustedProxies` proxies of ours the host the
 * nearest one reports in X-Forwarded-Host (when it sends one).
 * @param {string | undefined} host the Host header
 * @param {string | string[] | undefined} forwardedHost the X-Forwarded-Host header
 * @param {number} trustedProxies
 * @returns {string}
 */
export function requestHost(host, forwardedHost, trustedProxies) {
  const forwarded = trustedProxies > 0 ? forwardedValues(forwardedHost).at(-1) : undefined;
  return forwarded ?? host ?? "";
}

/**
 * The values of an X-Forwarded-* header, in order (each proxy appends its own; repeated headers join).
 * @param {string | string[] | undefined} header
 * @returns {string[]}
 */
function forwardedValues(header) {
  return [header ?? []].flat().join(",").split(",").map((h) => h.trim()).filter(Boolean);
}

/**
 * Does an If-None-Match header name this entity tag (or `*`)? Weak tags compare by their opaque part, as
 * RFC 9110 says a GET's If-None-Match must. The file route and the front's hot files ask this one question.
 * @param {string | null | undefined} ifNoneMatch
 * @param {string} etag
 * @returns {boolean}
 */
export function etagMatches(ifNoneMatch, etag) {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/** The methods the wiki answers; any other is 405 (TRACE, PURGE and BAN among them: nothing here echoes, tunnels or purges). */
export const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Request headers that are Next.js's own: set between its proxy, middleware and renderer, or by its hosting, never
 * by a browser or an API client. A client that sends one could change what Next.js answers for everyone (an empty
 * prefetch answer kept as the page, a skipped middleware), so the front refuses them. The client router's
 * (`rsc`, `next-router-*`, `next-url`, `next-action`) are a browser's and pass; their answers are never kept.
 */
const INTERNAL_HEADER = /^(?:x-middleware-|x-invoke-|x-nextjs-|x-next-|x-vercel-|x-matched-path$|x-now-route-matches$|x-prerender-revalidate)/;

/**
 * What is wrong with the shape of a request before anything reads it: a method the wiki does not answer (405), a
 * request target that is not a path (`*`, an absolute URL: 400), or one of Next.js's internal headers (400).
 * @param {{ method?: string, url?: string, rawHeaders: string[] }} req
 * @returns {{ status: 400 | 405, message: string } | null}
 */
export function requestShapeProblem(req) {
  if (!METHODS.has(req.method ?? "")) return { status: 405, message: `The method ${req.method} is not allowed here` };
  if (!(req.url ?? "").startsWith("/")) return { status: 400, message: "The request target must be a path starting with /" };
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (INTERNAL_HEADER.test(name)) return { status: 400, message: `The header ${name} is internal to the server and may not be sent` };
  }
  return null;
}

/**
 * May a GET's answer be kept for other readers (by the front cache, or a shared cache in front)? Decided from the
 * answer: a 200 with a body of the type the path serves (an API read's JSON, every other kept view's HTML). An
 * empty or untyped answer, whatever produced it, is the asker's alone.
 * @param {string} url the request target
 * @param {number} status
 * @param {string | number | string[] | undefined} contentType the answer's Content-Type
 * @param {number | null} bodyBytes its size, when known
 * @returns {boolean}
 */
export function shareableAnswer(url, status, contentType, bodyBytes) {
  // a header set with appendHeader reads back as an array
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  if (status !== 200 || typeof value !== "string" || bodyBytes === 0) return false;
  const type = value.split(";")[0].trim().toLowerCase();
  return url.startsWith("/api/") ? type === "application/json" : type === "text/html";
}
