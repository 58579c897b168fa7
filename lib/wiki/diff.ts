import { diffLines, diffWordsWithSpace } from "diff";

export type DiffOp = "equal" | "delete" | "insert";
export type Change = { op: DiffOp; text: string };

function toChanges(parts: { added?: boolean; removed?: boolean; value: string }[]): Change[] {
  return parts
    .filter((p) => p.value !== "")
    .map((p) => ({ op: p.added ? "insert" : p.removed ? "delete" : "equal", text: p.value }));
}

/**
 * Line diff of two texts. Each change holds one or more whole lines. Joining the `equal` and `delete` texts in
 * order gives `from`; joining `equal` and `insert` gives `to`.
 */
export function diffText(from: string, to: string): Change[] {
  return toChanges(diffLines(from, to));
}

/** Word-level diff inside one changed block, for highlighting. Same rebuild property as diffText. */
export function diffWords(from: string, to: string): Change[] {
  return toChanges(diffWordsWithSpace(from, to));
}

/** One row of a side-by-side rendering: a changed block paired with its replacement, word-diffed. */
export type DiffBlock =
  | { kind: "equal"; text: string }
  | { kind: "change"; deleted: string; inserted: string; words: Change[] | null };

/**
 * Group a line diff into blocks for display: a deletion followed by an insertion is one change, shown with
 * word-level highlighting when the two are small enough for that to be readable and cheap.
 */
export function diffBlocks(changes: Change[]): DiffBlock[] {
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
    const words = deleted && inserted && deleted.length + inserted.length < 20_000 ? diffWords(deleted, inserted) : null;
    blocks.push({ kind: "change", deleted, inserted, words });
  }
  return blocks;
}
