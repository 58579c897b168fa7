import { test } from "node:test";
import assert from "node:assert/strict";
import { displaySize, imageAttributes, ladderWidth, versionUrl } from "./urls";
import { contentDisposition, parseRange } from "./serve";
import { extensionOf, textType } from "./types";

test("a width request gets the largest ladder width not over it, and the original when that is no wider", () => {
  assert.equal(ladderWidth(300, 1200), 240);
  assert.equal(ladderWidth(800, 1200), 800);
  assert.equal(ladderWidth(16, 64), 16);
  assert.equal(ladderWidth(1000, 1000), null);
  assert.equal(ladderWidth(5000, 1200), null);
  assert.equal(ladderWidth(900, 850), null, "a rung as wide as the original or wider is the original");
});

test("images show at most 800 pixels wide in their proportions, with a srcset of ladder widths up to twice that", () => {
  assert.deepEqual(displaySize(1600, 1200), { width: 800, height: 600 });
  assert.deepEqual(displaySize(640, 480), { width: 640, height: 480 });
  assert.deepEqual(displaySize(10_000, 1), { width: 800, height: 1 });
  const big = imageAttributes({ versionId: 3, name: "Map of it.png", contentType: "image/png", width: 2000, height: 1000 });
  assert.equal(big.src, "/media/3/Map_of_it.png?width=800");
  assert.deepEqual([big.width, big.height], [800, 400]);
  assert.match(big.srcset!, /\?width=1600 1600w$/);
  const small = imageAttributes({ versionId: 4, name: "a.gif", contentType: "image/gif", width: 100, height: 50 });
  assert.deepEqual(small, { src: "/media/4/a.gif", srcset: null, width: 100, height: 50 }, "a GIF keeps its animation");
  assert.equal(versionUrl(5, "x/y?.png"), "/media/5/x%2Fy%3F.png");
});

test("byte ranges: one range, a suffix, an open end; several or other units get the whole body; past the end is unsatisfiable", () => {
  assert.deepEqual(parseRange("bytes=0-99", 1000), { start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=900-", 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange("bytes=-100", 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange("bytes=990-5000", 1000), { start: 990, end: 999 });
  assert.equal(parseRange("bytes=1000-", 1000), "unsatisfiable");
  assert.equal(parseRange("bytes=-0", 1000), "unsatisfiable");
  assert.equal(parseRange("bytes=5-1", 1000), "unsatisfiable");
  assert.equal(parseRange("bytes=0-1,5-6", 1000), null);
  assert.equal(parseRange("items=0-1", 1000), null);
  assert.equal(parseRange(null, 1000), null);
});

test("Content-Disposition names a file in RFC 6266 form: quotes, semicolons and non-ASCII never reach the quoted name", () => {
  assert.equal(contentDisposition("attachment", 'He said "hi"; x=1.pdf'), `attachment; filename="He said _hi__ x=1.pdf"; filename*=UTF-8''He%20said%20%22hi%22%3B%20x%3D1.pdf`);
  assert.equal(contentDisposition("inline", "Café (1).png"), `inline; filename="Cafe (1).png"; filename*=UTF-8''Caf%C3%A9%20%281%29.png`);
  assert.equal(contentDisposition("inline", "日本.png"), `inline; filename="__.png"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.png`);
});

test("text is told from its first bytes: SVG, HTML as a browser would sniff it, scripts, text, CSV, binary", () => {
  const t = (s: string | Buffer, ext = "txt") => textType(typeof s === "string" ? Buffer.from(s) : s, ext);
  assert.equal(t('<?xml version="1.0"?>\n<!-- drawn -->\n<svg xmlns="http://www.w3.org/2000/svg"/>', "svg"), "image/svg+xml");
  assert.equal(t("\uFEFF  <svg>", "svg"), "image/svg+xml");
  assert.equal(t("<!doctype html><p>x"), "text/html");
  assert.equal(t("  <SCRIPT>alert(1)</SCRIPT>"), "text/html");
  assert.equal(t("Notes\n\nand then <iframe src=x> later"), "text/html");
  assert.equal(t("#!/usr/bin/env python\n"), "application/x-sh");
  assert.equal(t("a,b\n1,2\n", "csv"), "text/csv");
  assert.equal(t("just words, <b>not</b> a page\n"), "text/plain");
  assert.equal(t(Buffer.from([0x41, 0x00, 0x42])), "application/octet-stream");
  assert.equal(t(Buffer.from([0xff, 0xfe, 0x41])), "application/octet-stream");
  assert.equal(t(Buffer.concat([Buffer.from("ok "), Buffer.from("é").subarray(0, 1)])), "text/plain", "a character cut at the end of the head is not an error");
  assert.equal(extensionOf("Photo.JPG"), "jpg");
  assert.equal(extensionOf("no extension"), "");
});
