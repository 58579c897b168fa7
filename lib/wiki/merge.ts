import { diff3Merge } from "node-diff3";

/** Split into lines, each keeping its line ending, so that joining them gives the text back exactly. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Three-way merge by lines: the edit from `base` to `mine` applied on top of `theirs`. Returns the merged text,
 * or null when the two edits touch the same lines differently (a real conflict for a person to resolve).
 */
export function mergeThreeWay(base: string, mine: string, theirs: string): string | null {
  const regions = diff3Merge(lines(mine), lines(base), lines(theirs), { excludeFalseConflicts: true });
  let merged = "";
  for (const region of regions) {
    if ("conflict" in region && region.conflict) return null;
    if ("ok" in region && region.ok) merged += region.ok.join("");
  }
  return merged;
}
