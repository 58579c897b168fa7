import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptablePath, bodyLimit, clientAddress, crossSiteProblem, hasUnstorableText, pageTitleProblem, queryProblem, requestHost, siteOrigins, MAX_AUTH_BODY_BYTES, MAX_BODY_BYTES, requestShapeProblem, shareableAnswer } from "./front-rules";
import { wantsPagePolicy } from "./security-headers";

test("paths that can name a page pass; malformed escapes and empty, '.' or '..' segments do not", () => {
  for (const ok of ["/", "/wiki/Main_Page", "/wiki/A/B", "/wiki/Caf%C3%A9", "/wiki/a%2Fb", "/api/pages/x?y=a//b", "/wiki/trailing/"]) {
    assert.equal(acceptablePath(ok), true, ok);
  }
  for (const bad of ["/wiki/%E0%A4%A", "/wiki/%ZZ", "/wiki/a//b", "/wiki/./b", "/wiki/a/..", "/wiki/%2e%2e/x", "/wiki/%2E", "//wiki"]) {
    assert.equal(acceptablePath(bad), false, bad);
  }
});

test("sign-in and sign-up bodies get the small limit, everything else the large one", () => {
  const upload = 100 * 1024 * 1024;
  assert.equal(bodyLimit("/api/auth/callback/credentials", upload), MAX_AUTH_BODY_BYTES);
  assert.equal(bodyLimit("/api/accounts", upload), MAX_AUTH_BODY_BYTES);
  assert.equal(bodyLimit("/api/pages/X", upload), MAX_BODY_BYTES);
  // uploads stream through their own limit; the JSON revert beside them keeps the small one
  assert.equal(bodyLimit("/api/files/File:A.png?summary=x", upload), upload);
  assert.equal(bodyLimit("/api/files/File:A.png/revert", upload), MAX_BODY_BYTES);
  assert.ok(MAX_BODY_BYTES > 1024 * 1024 * 6, "room for 1 MiB of Markdown escaped as JSON");
});

test("the client address is the peer unless proxies are trusted; then the n-th X-Forwarded-For hop from the right", () => {
  assert.equal(clientAddress("6.6.6.6", "203.0.113.9", 0), "203.0.113.9", "a client's own X-Forwarded-For is ignored");
  assert.equal(clientAddress(undefined, undefined, 0), "unknown");
  assert.equal(clientAddress("6.6.6.6, 198.51.100.7", "10.0.0.2", 1), "198.51.100.7", "one proxy: the address it saw");
  assert.equal(clientAddress("6.6.6.6, 198.51.100.7, 10.0.0.3", "10.0.0.2", 2), "198.51.100.7", "two proxies");
  assert.equal(clientAddress(["6.6.6.6", "198.51.100.7"], "10.0.0.2", 1), "198.51.100.7", "repeated headers");
  assert.equal(clientAddress(undefined, "10.0.0.2", 1), "10.0.0.2", "no header: the peer");
});

test("React pages get the page policy; the API, the article view and static files do not", () => {
  for (const page of ["/history/X", "/diff?from=1&to=2", "/signin", "/", "/users/a", "/edit/A/B"]) assert.equal(wantsPagePolicy(page), true, page);
  for (const other of ["/api/pages/X", "/wiki/X", "/_next/static/chunks/a.js", "/vellum.css", "/favicon.ico", "/media/1/a.png", "/file/File:a.png"]) {
    assert.equal(wantsPagePolicy(other), false, other);
  }
});

test("React pages that name a title refuse a bad one (the front answers 400 for them)", () => {
  assert.equal(pageTitleProblem("/talk/Fine_title"), null);
  assert.equal(pageTitleProblem("/history/Parent/Child?before=3"), null);
  assert.equal(pageTitleProblem("/wiki/a%3Cb"), null, "the article view answers for itself");
  assert.equal(pageTitleProblem("/search?q=%3C"), null);
  assert.match(pageTitleProblem("/talk/a%3Cb") ?? "", /character </);
  assert.match(pageTitleProblem("/upload/File:a%5Bb%5D.png") ?? "", /character \[/);
  assert.match(pageTitleProblem("/edit/x%7Cy") ?? "", /character \|/);
  assert.match(pageTitleProblem(`/move/${"x".repeat(201)}`) ?? "", /longer than 200/);
  assert.match(pageTitleProblem("/backlinks/%E0%A4%A") ?? "", /percent-encoding/);
});

const site = siteOrigins("http://localhost:3000");
const change = (o: Partial<Parameters<typeof crossSiteProblem>[0]>) =>
  crossSiteProblem({ method: "POST", host: "localhost:3000", hasSession: false, hasBearer: false, ...o }, site);

test("the site is its public URL's whole origin, and the loopback aliases when that names the machine", () => {
  assert.deepEqual([...siteOrigins("https://wiki.example.org/")], ["https://wiki.example.org"]);
  assert.deepEqual(
    [...site].sort(),
    ["http://127.0.0.1:3000", "http://[::1]:3000", "http://localhost:3000"],
  );
});

test("state-changing requests: this site's Host and Origin pass; another host name (DNS rebinding) does not", () => {
  assert.equal(change({ origin: "http://localhost:3000" }), null);
  assert.equal(change({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }), null);
  assert.equal(change({ referer: "http://localhost:3000/edit/X" }), null, "Referer when there is no Origin");
  assert.equal(change({}), null, "no Origin and no session: a script, not a browser page");
  assert.ok(change({ host: "rebind.evil.example:3000", origin: "http://rebind.evil.example:3000" }), "a rebound name");
  assert.ok(change({ host: "rebind.evil.example:3000" }), "a rebound name without Origin");
  assert.ok(change({ origin: "https://localhost:3000" }), "another scheme is another origin");
  assert.ok(change({ origin: "http://localhost:3001" }), "another port is another origin");
  assert.ok(change({ origin: "http://localhost:3000.evil.example" }), "a look-alike");
  assert.ok(change({ origin: "null" }));
  assert.ok(change({ origin: "not a url" }));
  assert.ok(change({ referer: "http://evil.example/localhost:3000" }));
  assert.ok(change({ hasSession: true }), "a signed-in change must say where it comes from");
  assert.equal(change({ method: "GET", host: "evil.example" }), null, "reads are not changes");
  assert.equal(change({ hasBearer: true, host: "10.0.0.5:3000" }), null, "a bearer token cannot be forged by a page");
  const https = siteOrigins("https://wiki.example.org");
  assert.equal(crossSiteProblem({ method: "PUT", host: "wiki.example.org:443", origin: "https://wiki.example.org", hasSession: true, hasBearer: false }, https), null);
  assert.ok(crossSiteProblem({ method: "PUT", host: "wiki.example.org", origin: "http://wiki.example.org", hasSession: true, hasBearer: false }, https));
});

test("queries: malformed escapes and NUL are refused everywhere; known pages' parameters are checked", () => {
  for (const ok of ["/wiki/X", "/api/search?q=caf%C3%A9", "/api/search?q=%00", "/search?q=%ff", "/search?q=a+b&limit=5", "/history/Main_Page?before=10", "/recent-changes?kind=edit&hideMine=1", "/x?flag"]) {
    assert.equal(queryProblem(ok), null, ok);
  }
  for (const bad of [
    "/api/search?q=x&limit=%00", "/wiki/X?a=%ZZ", "/api/pages?after=%00", "/api/pages?after=%E0%A4%A", "/history/Main_Page?before=99999999999", "/history/Main_Page?before=abc",
    "/recent-changes?before=zz", "/recent-changes?kind=nope", "/talk/X?limit=0", "/diff?from=1", "/search?offset=-1",
    `/search?q=${"x".repeat(501)}`, "/users/alice?before=1.5",
  ]) {
    assert.ok(queryProblem(bad), bad);
  }
});

test("text PostgreSQL cannot hold: NUL and unpaired surrogates, never a proper pair", () => {
  assert.equal(hasUnstorableText("a\u0000b"), true);
  assert.equal(hasUnstorableText("a\uD800b"), true);
  assert.equal(hasUnstorableText("\uDC00"), true);
  assert.equal(hasUnstorableText("😀 café"), false);
  assert.equal(acceptablePath("/wiki/a%00b"), false);
});

test("the request's host: Host, unless trusted proxies report the host in X-Forwarded-Host (the nearest one counts)", () => {
  assert.equal(requestHost("wiki.test", "evil.example", 0), "wiki.test", "a client's own X-Forwarded-Host is ignored");
  assert.equal(requestHost("10.0.0.5:3000", "evil.example, wiki.example.org", 1), "wiki.example.org");
  assert.equal(requestHost("10.0.0.5:3000", undefined, 1), "10.0.0.5:3000");
  assert.equal(requestHost(undefined, undefined, 0), "");
});

test("a request's shape: methods the wiki answers, paths as targets, none of Next.js's internal headers", () => {
  const shape = (method: string, url: string, headers: string[] = []) => requestShapeProblem({ method, url, rawHeaders: headers })?.status ?? null;
  assert.equal(shape("GET", "/wiki/Main_Page", ["Host", "x", "Accept", "*/*", "RSC", "1", "Next-Router-State-Tree", "x"]), null);
  assert.equal(shape("TRACE", "/wiki/Main_Page"), 405);
  assert.equal(shape("PROPFIND", "/"), 405);
  assert.equal(shape("PURGE", "/wiki/Main_Page"), 405);
  assert.equal(shape("OPTIONS", "*"), 400);
  assert.equal(shape("GET", "http://example.org/wiki/Main_Page"), 400);
  for (const h of ["x-middleware-prefetch", "X-Middleware-Subrequest", "x-invoke-path", "x-nextjs-data", "x-matched-path", "x-now-route-matches", "x-prerender-revalidate"]) {
    assert.equal(shape("GET", "/pages", [h, "1"]), 400, h);
  }
});

test("an answer is kept or shared only with the shape its path serves", () => {
  assert.equal(shareableAnswer("/pages", 200, "text/html; charset=utf-8", 5000), true);
  assert.equal(shareableAnswer("/wiki/X", 200, ["text/html; charset=utf-8"], null), true, "a header appended reads back as an array");
  assert.equal(shareableAnswer("/pages", 200, undefined, 2), false, "Next.js's empty prefetch answer");
  assert.equal(shareableAnswer("/pages", 200, "application/json", 2), false);
  assert.equal(shareableAnswer("/api/pages/X", 200, "application/json", 300), true);
  assert.equal(shareableAnswer("/api/pages/X", 200, "text/html", 300), false);
  assert.equal(shareableAnswer("/history/X", 404, "text/html", 300), false);
  assert.equal(shareableAnswer("/history/X", 200, "text/html", 0), false);
});
