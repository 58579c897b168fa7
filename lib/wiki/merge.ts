import { diffArrays } from "diff";

/**
 * Limits of a three-way merge, which runs under the page lock: each of its two line diffs gives up past these,
 * and the save becomes an edit conflict (the editor keeps their text). See docs/decisions/0013.
 */
export const MERGE_LIMITS = { maxEditLength: 4000, timeoutMs: 250 } as const;

/** Split into lines, each keeping its line ending, so that joining them gives the text back exactly. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** One side's edit of the base: base lines [start, end) replaced by `lines`. */
type Hunk = { start: number; end: number; lines: string[]; side: 0 | 1 };

/**
 * The hunks that turn `base` into `other`, in order; null when the diff gives up. The common head and tail are
 * taken off first: it is cheap, and among equally short diffs of repetitive text it picks the one that keeps each
 * change where it was made, so that edits at the two ends of a page of identical lines do not seem to collide.
 */
function hunks(base: string[], other: string[], side: 0 | 1): Hunk[] | null {
  let head = 0;
  while (head < base.length && head < other.length && base[head] === other[head]) head++;
  let tail = 0;
  while (tail < base.length - head && tail < other.length - head && base[base.length - 1 - tail] === other[other.length - 1 - tail]) tail++;
  const parts = diffArrays(base.slice(head, base.length - tail), other.slice(head, other.length - tail), {
    maxEditLength: MERGE_LIMITS.maxEditLength,
    timeout: MERGE_LIMITS.timeoutMs,
  });
  if (!parts) return null;
  const out: Hunk[] = [];
  let pos = head;
  let current: Hunk | null = null;
  for (const part of parts) {
    const count = part.count ?? part.value.length;
    if (!part.added && !part.removed) {
      if (current) out.push(current);
      current = null;
      pos += count;
      continue;
    }
    current ??= { start: pos, end: pos, lines: [], side };
    if (part.removed) {
      pos += count;
      current.end = pos;
    } else {
      current.lines.push(...part.value);
    }
  }
  if (current) out.push(current);
  return out;
}

/** Base lines [from, to) with one side's hunks of a group applied. */
function applySide(base: string[], group: Hunk[], side: 0 | 1, from: number, to: number): string[] {
  const out: string[] = [];
  let pos = from;
  for (const h of group) {
    if (h.side !== side) continue;
    out.push(...base.slice(pos, h.start), ...h.lines);
    pos = h.end;
  }
  out.push(...base.slice(pos, to));
  return out;
}

/**
 * Three-way merge by lines (diff3): the edit from `base` to `mine` applied on top of `theirs`. Returns the merged
 * text, or null when the two edits touch the same lines differently (a real conflict for a person to resolve),
 * insert at the same place differently, or are too large to compare within MERGE_LIMITS. The same change made on
 * both sides is not a conflict. Cost: two bounded Myers diffs and linear work.
 */
export function mergeThreeWay(base: string, mine: string, theirs: string): string | null {
  const baseLines = lines(base);
  const a = hunks(baseLines, lines(mine), 0);
  const b = a && hunks(baseLines, lines(theirs), 1);
  if (!a || !b) return null;
  const all = [...a, ...b].sort((x, y) => x.start - y.start || x.end - y.end);
  const merged: string[] = [];
  let pos = 0;
  for (let k = 0; k < all.length; ) {
    const group = [all[k]!];
    const start = all[k]!.start;
    let end = all[k]!.end;
    k++;
    // Hunks that overlap the group, or touch it where either is a pure insertion (order would be a guess), join it.
    while (k < all.length) {
      const h = all[k]!;
      const touches = h.start === end && (h.start === h.end || start === end);
      if (h.start >= end && !touches) break;
      group.push(h);
      end = Math.max(end, h.end);
      k++;
    }
    merged.push(...baseLines.slice(pos, start));
    const sides = new Set(group.map((h) => h.side));
    const ours = applySide(baseLines, group, 0, start, end);
    if (sides.size === 2) {
      const theirsText = applySide(baseLines, group, 1, start, end);
      if (ours.join("") !== theirsText.join("")) return null;
      merged.push(...ours);
    } else {
      merged.push(...applySide(baseLines, group, group[0]!.side, start, end));
    }
    pos = end;
  }
  merged.push(...baseLines.slice(pos));
  return merged.join("");
}
