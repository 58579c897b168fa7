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

test("a stale save over thousands of equal lines merges (no quadratic blow-up)", () => {
  const base = "x\n".repeat(5000);
  const mine = "mine\n" + "x\n".repeat(4999);
  const theirs = "x\n".repeat(4999) + "theirs\n";
  assert.equal(mergeThreeWay(base, mine, theirs), "mine\n" + "x\n".repeat(4998) + "theirs\n");
});

test("edits too large to compare within the limits become a conflict, not a hang", () => {
  const base = "a\n".repeat(20_000);
  assert.equal(mergeThreeWay(base, "b\n".repeat(20_000), base + "end\n"), null);
});

test("insertions at the same place by both sides conflict unless they are the same", () => {
  const base2 = "a\nb\n";
  assert.equal(mergeThreeWay(base2, "a\nmine\nb\n", "a\ntheirs\nb\n"), null);
  assert.equal(mergeThreeWay(base2, "a\nsame\nb\n", "a\nsame\nb\n"), "a\nsame\nb\n");
});

test("changes to neighbouring lines both apply", () => {
  assert.equal(mergeThreeWay("1\n2\n3\n4\n", "1\nTWO\n3\n4\n", "1\n2\nTHREE\n4\n"), "1\nTWO\nTHREE\n4\n");
});

test("merging a side with an unchanged base gives that side (random texts)", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const text = () => Array.from({ length: Math.floor(rand() * 10) }, () => ["a", "b", "c", ""][Math.floor(rand() * 4)] + "\n").join("");
  for (let i = 0; i < 300; i++) {
    const b = text();
    const m = text();
    assert.equal(mergeThreeWay(b, m, b), m);
    assert.equal(mergeThreeWay(b, b, m), m);
  }
});
