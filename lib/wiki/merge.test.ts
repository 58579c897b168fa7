import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeThreeWay } from "./merge";

const base = "intro\n\nmiddle\n\nend\n";

test("edits to different parts merge", () => {
  const mine = "INTRO\n\nmiddle\n\nend\n";
  const theirs = "intro\n\nmiddle\n\nEND\n";
  assert.equal(mergeThreeWay(base, mine, theirs), "INTRO\n\nmiddle\n\nEND\n");
});

test("the same edit on both sides is not a conflict", () => {
  const both = "intro\n\nMIDDLE\n\nend\n";
  assert.equal(mergeThreeWay(base, both, both), both);
});

test("different edits to the same line conflict", () => {
  assert.equal(mergeThreeWay(base, "intro\n\nmine\n\nend\n", "intro\n\ntheirs\n\nend\n"), null);
});

test("an unchanged side takes the other side's text", () => {
  const theirs = "intro\n\nmiddle\n\nend\nmore\n";
  assert.equal(mergeThreeWay(base, base, theirs), theirs);
  assert.equal(mergeThreeWay(base, theirs, base), theirs);
});

test("texts without a final newline merge", () => {
  assert.equal(mergeThreeWay("a\nb\nc", "A\nb\nc", "a\nb\nC"), "A\nb\nC");
});
