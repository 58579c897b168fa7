import type { Feed } from "@/lib/wiki/changes";

/** A feed as an HTTP response: 304 when the client's ETag or Last-Modified still matches. */
export function feedResponse(feed: Feed, headers: Headers): Response {
  const common = { ETag: feed.etag, "Last-Modified": feed.lastModified, "Cache-Control": "no-cache" };
  const inm = headers.get("if-none-match");
  const ims = headers.get("if-modified-since");
  const notModified = inm ? inm.split(",").some((t) => t.trim() === feed.etag) : ims ? Date.parse(ims) >= Date.parse(feed.lastModified) : false;
  if (notModified) return new Response(null, { status: 304, headers: common });
  return new Response(feed.xml, { status: 200, headers: { ...common, "Content-Type": "application/atom+xml; charset=utf-8" } });
}
