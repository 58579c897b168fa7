import { MAIN_PAGE_PATH } from "./names.js";

/** Where a sign-in goes when it was given no usable place to return to. */
export const DEFAULT_RETURN_PATH = MAIN_PAGE_PATH;

/**
 * The same-origin path to send a browser to after sign-in, or the main page. The value is parsed as a browser
 * would parse it (tabs and newlines dropped, backslashes read as slashes, percent-escapes kept), so anything that
 * would leave the site (`/%09/evil.example`, `/\evil.example`, `//evil.example`, `javascript:`) is refused.
 */
export function safeReturnPath(value: unknown, siteOrigin = "http://vellum.invalid"): string {
  if (typeof value !== "string" || value.length > 2000 || !value.startsWith("/")) return DEFAULT_RETURN_PATH;
  let url: URL;
  try {
    url = new URL(value, siteOrigin);
  } catch {
    return DEFAULT_RETURN_PATH;
  }
  if (url.origin !== new URL(siteOrigin).origin) return DEFAULT_RETURN_PATH;
  const path = url.pathname + url.search + url.hash;
  // a path that itself begins with two slashes would be read as another host when used as a link
  return path.startsWith("//") || path.startsWith("/\\") ? DEFAULT_RETURN_PATH : path;
}
