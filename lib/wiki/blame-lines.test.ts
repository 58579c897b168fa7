import { test } from "node:test";
import assert from "node:assert/strict";
import { firstOrigins, fromRuns, linesOf, nextOrigins, toRuns } from "./blame-lines";

/** Replay a history of texts (revision ids 1, 2, 3...) and return the last one's origins. */
function replay(texts: string[]): number[] {
  let origins = firstOrigins(texts[0]!, 1);
  for (let i = 1; i < texts.length; i++) origins = nextOrigins(texts[i - 1]!, origins, texts[i]!, i + 1);
  return origins;
}

test("unchanged lines keep their origin; changed and new lines are the new revision's", () => {
  const origins = replay(["a\nb\nc", "a\nB\nc\nd", "x\na\nB\nc\nd"]);
  assert.deepEqual(origins, [3, 1, 2, 1, 2]);
});

test("a paragraph moved to another place keeps its author; blank lines are never carried", () => {
  const one = "intro\n\nfirst paragraph\n\nsecond paragraph\n";
  const two = "intro\n\nsecond paragraph\n\nfirst paragraph\n";
  const origins = replay([one, two]);
  assert.deepEqual(linesOf(two).length, origins.length);
  assert.equal(origins[2], 1, "second paragraph moved up: still revision 1's");
  assert.equal(origins[4], 1, "first paragraph moved down: still revision 1's");
});

test("a line that disappears and is typed again later is the later revision's (only reverts bring origins back)", () => {
  assert.deepEqual(replay(["a\nb", "a", "a\nb"]), [1, 3]);
});

test("one origin per line, whatever the texts (random histories, CRLF, trailing newlines)", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const words = ["alpha", "beta", "", "gamma\r", "é", "日本"];
  for (let round = 0; round < 200; round++) {
    const texts = Array.from({ length: 5 }, () =>
      Array.from({ length: Math.floor(rand() * 10) }, () => words[Math.floor(rand() * words.length)]).join("\n"));
    const origins = replay(texts);
    assert.equal(origins.length, linesOf(texts.at(-1)!).length);
    assert.ok(origins.every((o) => o >= 1 && o <= 5));
  }
});

test("two long, wholly different texts give up the diff and still match moved lines", { timeout: 30_000 }, () => {
  const a = Array.from({ length: 6000 }, (_, i) => `old line ${i}`).join("\n");
  const lines = Array.from({ length: 6000 }, (_, i) => `new line ${i}`);
  lines[3000] = "old line 17";
  const origins = nextOrigins(a, firstOrigins(a, 1), lines.join("\n"), 2);
  assert.equal(origins[3000], 1, "a line of the old text keeps its origin");
  assert.equal(origins.filter((o) => o === 2).length, 5999);
});

test("runs round-trip and are compact", () => {
  const origins = [5, 5, 5, 9, 9, 5, 1];
  assert.deepEqual(toRuns(origins), [5, 3, 9, 2, 5, 1, 1, 1]);
  assert.deepEqual(fromRuns(toRuns(origins)), origins);
  assert.deepEqual(fromRuns(toRuns([])), []);
});
