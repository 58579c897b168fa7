import { test } from "node:test";
import assert from "node:assert/strict";
import { diffText, diffWords, diffBlocks, type Change } from "./diff";

function rebuild(changes: Change[]) {
  let from = "";
  let to = "";
  for (const c of changes) {
    if (c.op !== "insert") from += c.text;
    if (c.op !== "delete") to += c.text;
  }
  return { from, to };
}

// A small deterministic PRNG so failures are reproducible.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function randomText(rand: () => number): string {
  const words = ["alpha", "beta", "gamma", "", " ", "delta\t", "é", "日本", "  x  "];
  const lines: string[] = [];
  const n = Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) lines.push(words[Math.floor(rand() * words.length)]!);
  const text = lines.join(rand() < 0.2 ? "\r\n" : "\n");
  return rand() < 0.5 ? text + "\n" : text;
}

test("the line diff rebuilds both texts (500 random pairs, with and without final newline, CRLF)", () => {
  const rand = rng(42);
  for (let i = 0; i < 500; i++) {
    const a = randomText(rand);
    const b = rand() < 0.3 ? a : randomText(rand);
    const { changes } = diffText(a, b);
    assert.deepEqual(rebuild(changes), { from: a, to: b }, JSON.stringify({ a, b }));
    assert.ok(changes.every((c) => c.text !== ""), "no empty changes");
  }
});

test("edge cases rebuild: empty texts, identical texts, all replaced", () => {
  for (const [a, b] of [["", ""], ["", "x\n"], ["x\n", ""], ["same\n", "same\n"], ["a\nb\n", "c\nd\n"], ["no newline", "no newline\n"]]) {
    assert.deepEqual(rebuild(diffText(a!, b!).changes), { from: a, to: b });
  }
});

test("identical texts diff to a single equal change", () => {
  assert.deepEqual(diffText("a\nb\n", "a\nb\n"), { changes: [{ op: "equal", text: "a\nb\n" }], exact: true });
});

test("a changed line shows as delete then insert, the rest as equal", () => {
  const { changes } = diffText("one\ntwo\nthree\n", "one\nTWO\nthree\n");
  assert.deepEqual(changes, [
    { op: "equal", text: "one\n" },
    { op: "delete", text: "two\n" },
    { op: "insert", text: "TWO\n" },
    { op: "equal", text: "three\n" },
  ]);
});

test("word diff highlights only the changed word and rebuilds both sides", () => {
  const words = diffWords("the quick brown fox\n", "the quick red fox\n")!;
  assert.deepEqual(rebuild(words), { from: "the quick brown fox\n", to: "the quick red fox\n" });
  assert.deepEqual(words.filter((w) => w.op !== "equal").map((w) => w.text).sort(), ["brown", "red"]);
});

test("blocks pair deletions with insertions for word highlighting", () => {
  const blocks = diffBlocks(diffText("a\nold line\nz\n", "a\nnew line\nz\n").changes);
  assert.equal(blocks.length, 3);
  const change = blocks[1]!;
  assert.equal(change.kind, "change");
  if (change.kind === "change") {
    assert.equal(change.deleted, "old line\n");
    assert.equal(change.inserted, "new line\n");
    assert.ok(change.words?.some((w) => w.op === "delete" && w.text === "old"));
  }
});

test("two wholly different texts of 32,768 lines give up: shown as replaced, still rebuilding both", () => {
  const a = "a\n".repeat(32_768);
  const b = "b\n".repeat(32_768);
  const diff = diffText(a, b);
  assert.equal(diff.exact, false);
  assert.deepEqual(diff.changes.map((c) => c.op), ["delete", "insert"]);
  assert.deepEqual(rebuild(diff.changes), { from: a, to: b });
});

test("a long text with a few changes is still diffed exactly", () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}\n`);
  const changed = [...lines];
  changed[5] = "changed\n";
  changed[19_000] = "also changed\n";
  const diff = diffText(lines.join(""), changed.join(""));
  assert.equal(diff.exact, true);
  assert.equal(diff.changes.filter((c) => c.op !== "equal").length, 4);
});

test("word diffs give up on blocks too different to show word by word, and when the page's budget is spent", () => {
  const words = (w: string) => Array.from({ length: 6000 }, (_, i) => `${w}${i}`).join(" ");
  assert.equal(diffWords(words("x"), words("y")), null, "too many changed words");
  assert.equal(diffWords("a".repeat(15_000), "b".repeat(15_000)), null, "too long");
  const blocks = diffBlocks([{ op: "delete", text: "old\n" }, { op: "insert", text: "new\n" }], 0);
  assert.equal(blocks[0]!.kind === "change" && blocks[0]!.words, null, "no budget left");
});
