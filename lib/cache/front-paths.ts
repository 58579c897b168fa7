import { normaliseTitleOrNull } from "@/lib/wiki/title-rules.js";

// Which paths the front cache keeps (lib/cache/front-cache.ts), pure: the views kept for signed-out readers and
// for classes of signed-in ones, the notices (tags) that drop each, and the headers a kept answer leaves behind.

/**
 * Pages kept for signed-in readers too (one per class): they show nothing of who reads them but the header, and
 * the history page's watch button, which asks for its state (app/history). Talk pages (your own comments), the
 * recent changes without your own (`hideMine`) and API reads pass.
 */
export const SHARED_WHEN_SIGNED_IN = /^\/(?:history\/[^?]+|blame\/[^?]+|recent-changes(?![^?]*\?(?:.*&)?hideMine=)|search|pages|wanted|backlinks\/|revision\/|diff|users\/)/;

/**
 * Headers not kept with a captured answer: per response or per connection, or set afresh when served (the shared
 * caches' surrogate keys are given to signed-out answers only, by the front).
 */
export const DROPPED_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length", "content-security-policy", "cache-control", "set-cookie", "x-nextjs-cache", "x-nextjs-prerender", "x-nextjs-stale-time", "xkey", "surrogate-control"]);

/** The tags of a path whose signed-out answer is one document for everyone: an article, or a captured view. */
export function sharedTags(path: string): string[] | null {
  const bare = path.split("?")[0]!;
  if (bare.startsWith("/wiki/")) return titleTags(bare.slice("/wiki/".length));
  return captureTags(path);
}

/** [`t:<title>`] for a title as it appears in a path, or null when it names none. */
export function titleTags(encoded: string): string[] | null {
  let title: string | null;
  try {
    title = normaliseTitleOrNull(decodeURIComponent(encoded).replaceAll("_", " "));
  } catch {
    return null;
  }
  return title ? [`t:${title}`] : null;
}

/**
 * The tags of a captured path, or null when it is not kept: views of one title (history, blame, talk, the API's
 * page, history and blame) are dropped by that title's notices, every other list by any change (`w`).
 */
export function captureTags(path: string): string[] | null {
  const bare = path.split("?")[0]!;
  const titled = /^\/(?:history|blame|talk|api\/pages|api\/history|api\/blame)\/(.+)$/.exec(bare);
  if (titled) return titleTags(titled[1]!);
  return CAPTURED_LISTS.test(bare) ? ["w"] : null;
}

/** Views the same for every signed-out reader, kept until any change: lists, old revisions, diffs, profiles. */
export const CAPTURED_LISTS = /^\/(?:recent-changes|search|pages|wanted|backlinks\/.+|revision\/\d+|diff|users\/[^/]+|api\/(?:recent-changes|search|wanted|revisions\/\d+|diff|backlinks\/.+|users\/(?!me$)[^/]+|contributions\/[^/]+))$/;

