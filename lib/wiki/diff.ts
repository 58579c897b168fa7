import { diffLines, diffWordsWithSpace } from "diff";

export type DiffOp = "equal" | "delete" | "insert";
export type Change = { op: DiffOp; text: string };

/**
 * Limits that keep a diff from holding the CPU (docs/decisions/0013-limits-on-cpu-heavy-work.md). Myers' diff costs
 * O((N+M)·D) for D differences, so two long, wholly different texts are its worst case. Past a limit it gives up
 * cleanly: a line diff shows the whole text as replaced, a word diff is left out ("too different to show word by
 * word"). maxEditLength makes the outcome the same on every machine; the timeout caps it on a slow one.
 */
export const DIFF_LIMITS = {
  /** Most changed lines a line diff looks for. */
  maxEditLength: 4000,
  timeoutMs: 250,
  /** Most changed words in one changed block. */
  wordMaxEditLength: 2000,
  /** A changed block longer than this (both sides, characters) is not diffed word by word. */
  wordMaxChars: 20_000,
  /** Time for all word diffs of one page of differences together. */
  wordBudgetMs: 300,
} as const;

function toChanges(parts: { added?: boolean; removed?: boolean; value: string }[]): Change[] {
  return parts
    .filter((p) => p.value !== "")
    .map((p) => ({ op: p.added ? "insert" : p.removed ? "delete" : "equal", text: p.value }));
}

/** `from` wholly replaced by `to`: what a diff that gave up shows. Rebuilds both texts like any diff. */
function replacement(from: string, to: string): Change[] {
  return toChanges([{ removed: true, value: from }, { added: true, value: to }]);
}

/** A line diff, and whether it is exact (false: the texts were too different and are shown wholly replaced). */
export type TextDiff = { changes: Change[]; exact: boolean };

/**
 * Line diff of two texts. Each change holds one or more whole lines. Joining the `equal` and `delete` texts in
 * order gives `from`; joining `equal` and `insert` gives `to`, exact or not.
 */
export function diffText(from: string, to: string): TextDiff {
  const parts = diffLines(from, to, { maxEditLength: DIFF_LIMITS.maxEditLength, timeout: DIFF_LIMITS.timeoutMs });
  return parts ? { changes: toChanges(parts), exact: true } : { changes: replacement(from, to), exact: false };
}

/**
 * Word-level diff inside one changed block, for highlighting. Same rebuild property as diffText; null when the
 * block is too different to show word by word within `timeoutMs`.
 */
export function diffWords(from: string, to: string, timeoutMs: number = DIFF_LIMITS.timeoutMs): Change[] | null {
  if (from.length + to.length > DIFF_LIMITS.wordMaxChars || timeoutMs <= 0) return null;
  const parts = diffWordsWithSpace(from, to, { maxEditLength: DIFF_LIMITS.wordMaxEditLength, timeout: timeoutMs });
  return parts ? toChanges(parts) : null;
}

/** One row of a side-by-side rendering: a changed block paired with its replacement, word-diffed when possible. */
export type DiffBlock =
  | { kind: "equal"; text: string }
  | { kind: "change"; deleted: string; inserted: string; words: Change[] | null };

/**
 * Group a line diff into blocks for display: a deletion followed by an insertion is one change, shown with
 * word-level highlighting while the page's word-diff budget lasts and the block is small enough to be readable.
 */
export function diffBlocks(changes: Change[], budgetMs: number = DIFF_LIMITS.wordBudgetMs): DiffBlock[] {
  const deadline = Date.now() + budgetMs;
  const blocks: DiffBlock[] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if (c.op === "equal") {
      blocks.push({ kind: "equal", text: c.text });
      continue;
    }
    let deleted = "";
    let inserted = "";
    while (i < changes.length && changes[i]!.op !== "equal") {
      if (changes[i]!.op === "delete") deleted += changes[i]!.text;
      else inserted += changes[i]!.text;
      i++;
    }
    i--;
    const words = deleted && inserted ? diffWords(deleted, inserted, Math.min(DIFF_LIMITS.timeoutMs, deadline - Date.now())) : null;
    blocks.push({ kind: "change", deleted, inserted, words });
  }
  return blocks;
}
