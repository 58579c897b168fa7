import { test } from "node:test";
import assert from "node:assert/strict";
import { renderMarkdown } from "./render";
import { scanWikiLinks } from "./wiki-links";

test("the linear scan finds the links the renderer finds, code excluded", () => {
  const text = [
    "See [[Alpha]], [[Beta#Part|a part]], [[:File:Map.png]] and [[File:Map.png|a map]].",
    "`[[Not a link]]` and [[bad<title]] and [[#Local]].",
    "```",
    "[[In code]]",
    "```",
    "~~~~",
    "[[In code too]]",
    "~~~~",
    "- [[Gamma]]",
  ].join("\n");
  assert.deepEqual(scanWikiLinks(text), renderMarkdown(text).links);
  assert.deepEqual(scanWikiLinks(text).map((l) => l.title), ["Alpha", "Beta", "File:Map.png", "File:Map.png", "Gamma"]);
});

test("text made to be slow is read in one pass: no link where none is closed", () => {
  // (speed is measured in bench/, not here: these would take hours if the scan backtracked)
  for (const hostile of ["[[".repeat(200_000), "[[a".repeat(200_000), "`[[".repeat(150_000)]) assert.deepEqual(scanWikiLinks(hostile), []);
  assert.equal(scanWikiLinks(`${"[[x|".repeat(100_000)}]]`).length, 1);
});
