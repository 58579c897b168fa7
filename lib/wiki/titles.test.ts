import { test } from "node:test";
import assert from "node:assert/strict";
import { normaliseTitle, slugOf, titleFromPath, encodeSlug, titleFromParam } from "./titles";
import { AppError } from "@/lib/errors";

const valid: [string, string, string][] = [
  // [input, normalised title, why]
  ["Main Page", "Main Page", "plain"],
  ["Main_Page", "Main Page", "underscores are spaces"],
  ["  Main   Page  ", "Main Page", "runs of space collapse, ends trimmed"],
  ["Main\tPage", "Main Page", "tab is white space"],
  ["Main__ _Page", "Main Page", "mixed runs of _ and space"],
  ["Cafe\u0301", "Caf\u00e9", "NFD becomes NFC"],
  ["Caf\u00e9", "Caf\u00e9", "NFC stays"],
  ["Soft\u00ADhyphen", "Softhyphen", "soft hyphen removed"],
  ["Zero\u200Bwidth", "Zerowidth", "zero-width space removed"],
  ["a\u200Eb\u200Fc", "abc", "LRM/RLM removed"],
  ["evil\u202Egnp.exe", "evilgnp.exe", "RLO removed"],
  ["iso\u2066late\u2069", "isolate", "bidi isolates removed"],
  ["e\u200B\u0301", "\u00e9", "removal that allows composition still ends NFC"],
  ["Parent/Child", "Parent/Child", "subpages"],
  ["A/B/C d", "A/B/C d", "deep subpages"],
  ["case", "case", "titles are case-sensitive (not capitalised)"],
  ["x".repeat(200), "x".repeat(200), "200 characters is the limit"],
  ["😀".repeat(200), "😀".repeat(200), "limit counts characters, not UTF-16 units"],
  ["100% pure", "100% pure", "percent sign allowed"],
  ["C++ & Rust?", "C++ & Rust?", "punctuation allowed"],
  ["Ünïcödé 日本語", "Ünïcödé 日本語", "non-Latin scripts"],
];

const invalid: [string, string][] = [
  ["", "empty"],
  ["   ", "only spaces"],
  ["___", "only underscores"],
  ["\u200B", "only invisible characters"],
  ["x".repeat(201), "201 characters"],
  ["x".repeat(300), "300 characters"],
  ["a#b", "#"],
  ["a<b", "<"],
  ["a>b", ">"],
  ["a[b", "["],
  ["a]b", "]"],
  ["a{b", "{"],
  ["a}b", "}"],
  ["a|b", "|"],
  ["a\\b", "backslash"],
  ["a\u0000b", "NUL"],
  ["a\u0007b", "bell"],
  ["a\u007Fb", "DEL"],
  ["a\u0085b".replace("\u0085", "\u0090"), "C1 control"],
  ["..", ".."],
  [".", "."],
  ["a/../b", ".. segment"],
  ["a/./b", ". segment"],
  ["/a", "leading slash: empty segment"],
  ["a/", "trailing slash: empty segment"],
  ["a//b", "empty middle segment"],
  ["a/ /b", "blank segment"],
];

for (const [input, expected, why] of valid) {
  test(`valid title: ${why}`, () => {
    const title = normaliseTitle(input);
    assert.equal(title, expected);
    assert.equal(normaliseTitle(title), title, "normalisation is idempotent");
  });
}

for (const [input, why] of invalid) {
  test(`invalid title: ${why}`, () => {
    assert.throws(() => normaliseTitle(input), (e: unknown) => e instanceof AppError && e.code === "bad_request");
  });
}

test("NFD and NFC spellings name the same page", () => {
  assert.equal(normaliseTitle("Cafe\u0301 au lait"), normaliseTitle("Caf\u00e9_au_lait"));
});

test("slugs and URL paths round-trip", () => {
  for (const title of ["Main Page", "Café/Sub page", "100% pure", "a?b=c&d", "日本語 ページ"]) {
    assert.equal(titleFromPath(encodeSlug(title)), title);
    assert.equal(titleFromParam(encodeSlug(title).split("/")), title);
    assert.equal(slugOf(title).includes(" "), false);
  }
  assert.equal(encodeSlug("Café/Sub page"), "Caf%C3%A9/Sub_page");
});

test("malformed percent-encoding is a 400, not a crash", () => {
  assert.throws(() => titleFromPath("%E0%A4%A"), (e: unknown) => e instanceof AppError && e.code === "bad_request");
});

test("an encoded slash inside a segment cannot smuggle a .. segment", () => {
  assert.throws(() => titleFromPath("a/%2E%2E/b"), (e: unknown) => e instanceof AppError);
});
