import { diffArrays } from "diff";
import { DIFF_LIMITS } from "./diff";

// Who brought each line of a revision into its page (decision 0022): a revision's blame is its parent's blame
// carried through one bounded line diff, so it costs one diff per save whatever the history's length. Pure
// functions here; lib/wiki/blame.ts keeps them in revision_blames.

/**
 * How many of a page's latest revisions a new text is compared with: equal text is a revert to that one, and keeps
 * its origins (saves, and imports of MediaWiki's reverts alike).
 */
export const REVERT_WINDOW = 10;

/** The lines of a text as blame counts them: joining them with "\n" gives the text back. */
export function linesOf(text: string): string[] {
  return text.split("\n");
}

/**
 * The origins (revision ids, one per line of `text`) of a revision whose parent had `prevText` with `prevOrigins`.
 * Unchanged lines keep their origin; a line that left one place and came back in another in the same change (a
 * moved paragraph) keeps its origin too; every other new line is `revisionId`'s. The diff has DIFF_LIMITS: past
 * them, lines are matched by their text alone (moved-line matching over the whole text), never wrongly kept.
 */
export function nextOrigins(prevText: string, prevOrigins: number[], text: string, revisionId: number): number[] {
  const a = linesOf(prevText);
  const b = linesOf(text);
  if (prevOrigins.length !== a.length) throw new Error(`blame of ${a.length} lines has ${prevOrigins.length} origins`);
  const out = new Array<number>(b.length);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    out[head] = prevOrigins[head]!;
    head++;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    out[b.length - 1 - tail] = prevOrigins[a.length - 1 - tail]!;
    tail++;
  }
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  if (bm.length === 0) return out;
  const parts =
    am.length === 0
      ? [{ added: true, removed: false, value: bm }]
      : (diffArrays(am, bm, { maxEditLength: DIFF_LIMITS.maxEditLength, timeout: DIFF_LIMITS.timeoutMs }) ?? [
          { added: false, removed: true, value: am },
          { added: true, removed: false, value: bm },
        ]);
  // first pass: unchanged lines, and what the removed lines were (text -> their origins, in order)
  const removed = new Map<string, number[]>();
  const added: number[] = [];
  let ai = 0;
  let bi = 0;
  for (const part of parts) {
    const n = part.value.length;
    if (part.removed) {
      for (let k = 0; k < n; k++) {
        const line = am[ai + k]!;
        if (line.trim() === "") continue; // blank lines are nobody's: never carried to another place
        const queue = removed.get(line);
        if (queue) queue.push(prevOrigins[head + ai + k]!);
        else removed.set(line, [prevOrigins[head + ai + k]!]);
      }
      ai += n;
    } else if (part.added) {
      for (let k = 0; k < n; k++) added.push(bi + k);
      bi += n;
    } else {
      for (let k = 0; k < n; k++) out[head + bi + k] = prevOrigins[head + ai + k]!;
      ai += n;
      bi += n;
    }
  }
  // second pass: an added line that was removed elsewhere in this change moved: it keeps its origin
  for (const k of added) {
    const moved = removed.get(bm[k]!);
    out[head + k] = moved?.length ? moved.shift()! : revisionId;
  }
  return out;
}

/** The origins of a page's first revision: every line is its own. */
export function firstOrigins(text: string, revisionId: number): number[] {
  return new Array<number>(linesOf(text).length).fill(revisionId);
}

/** Origins as runs ([origin, count, origin, count, ...]): what revision_blames keeps. */
export function toRuns(origins: number[]): number[] {
  const runs: number[] = [];
  for (const o of origins) {
    if (runs.length > 0 && runs[runs.length - 2] === o) runs[runs.length - 1]!++;
    else runs.push(o, 1);
  }
  return runs;
}

/** Runs back to one origin per line. */
export function fromRuns(runs: number[]): number[] {
  const origins: number[] = [];
  for (let i = 0; i + 1 < runs.length; i += 2) {
    for (let k = 0; k < runs[i + 1]!; k++) origins.push(runs[i]!);
  }
  return origins;
}
