import { test } from "node:test";
import assert from "node:assert/strict";
import { isSameOrigin } from "./origin";

const h = (o: Record<string, string>) => new Headers(o);

test("same origin as the Host header passes", () => {
  assert.equal(isSameOrigin(h({ host: "wiki.test:3000", origin: "http://wiki.test:3000" })), true);
});
test("the configured public URL passes behind a proxy", () => {
  assert.equal(isSameOrigin(h({ host: "10.0.0.5:3000", origin: "https://wiki.example.org" }), "https://wiki.example.org"), true);
});
test("a foreign origin fails", () => {
  assert.equal(isSameOrigin(h({ host: "wiki.test", origin: "https://evil.example" })), false);
});
test("a look-alike host fails", () => {
  assert.equal(isSameOrigin(h({ host: "wiki.test", origin: "http://wiki.test.evil.example" })), false);
});
test("no Origin falls back to Referer", () => {
  assert.equal(isSameOrigin(h({ host: "wiki.test", referer: "http://wiki.test/edit/X" })), true);
  assert.equal(isSameOrigin(h({ host: "wiki.test", referer: "http://evil.example/wiki.test" })), false);
});
test("missing, null or garbage origins fail", () => {
  assert.equal(isSameOrigin(h({ host: "wiki.test" })), false);
  assert.equal(isSameOrigin(h({ host: "wiki.test", origin: "null" })), false);
  assert.equal(isSameOrigin(h({ host: "wiki.test", origin: "not a url" })), false);
});
