import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptablePath, bodyLimit, clientAddress, pageTitleProblem, MAX_AUTH_BODY_BYTES, MAX_BODY_BYTES } from "./front-rules";
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
  assert.equal(bodyLimit("/api/auth/callback/credentials"), MAX_AUTH_BODY_BYTES);
  assert.equal(bodyLimit("/api/accounts"), MAX_AUTH_BODY_BYTES);
  assert.equal(bodyLimit("/api/pages/X"), MAX_BODY_BYTES);
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
  for (const other of ["/api/pages/X", "/wiki/X", "/_next/static/chunks/a.js", "/vellum.css", "/favicon.ico"]) assert.equal(wantsPagePolicy(other), false, other);
});

test("React pages that name a title refuse a bad one (the front answers 400 for them)", () => {
  assert.equal(pageTitleProblem("/talk/Fine_title"), null);
  assert.equal(pageTitleProblem("/history/Parent/Child?before=3"), null);
  assert.equal(pageTitleProblem("/wiki/a%3Cb"), null, "the article view answers for itself");
  assert.equal(pageTitleProblem("/search?q=%3C"), null);
  assert.match(pageTitleProblem("/talk/a%3Cb") ?? "", /character </);
  assert.match(pageTitleProblem("/edit/x%7Cy") ?? "", /character \|/);
  assert.match(pageTitleProblem(`/move/${"x".repeat(201)}`) ?? "", /longer than 200/);
  assert.match(pageTitleProblem("/backlinks/%E0%A4%A") ?? "", /percent-encoding/);
});
