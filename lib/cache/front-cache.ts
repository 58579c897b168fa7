import "server-only";

/**
 * The front cache: finished documents of anonymous article views, kept in this process and served by the HTTP
 * front (scripts/serve.mjs) without entering Next.js, but only after asking PostgreSQL which revision is current
 * and finding it is the one the document shows. So it can never serve a stale page, on any instance; it only
 * saves Next.js's per-request work. See docs/decisions/0009-front-cache.md.
 *
 * The front reaches it through globalThis (same process), by the key below; this module owns all the logic.
 */
export type FrontEntry = {
  /** The page title the document shows; what `validate` is asked about. */
  title: string;
  /** The revision the document shows; the entry is served only while this is the page's current revision. */
  revisionId: number;
  headers: [string, string][];
  /** The document's entity tag, for answering a revalidation with 304. */
  etag: string | null;
  body: Buffer;
};

type FrontCache = {
  /** The entry for an exact raw request path. */
  get(path: string): FrontEntry | undefined;
  /** The current revision id of a title (null when the page is gone). */
  validate(title: string): Promise<number | null>;
  counters: { hits: number; stale: number };
};

const KEY = Symbol.for("vellum.frontCache");
const MAX_BYTES = 64 * 1024 * 1024;

const entries = new Map<string, FrontEntry>();
let bytes = 0;
const counters = { hits: 0, stale: 0 };

function remove(path: string) {
  const e = entries.get(path);
  if (e) {
    entries.delete(path);
    bytes -= e.body.length + path.length;
  }
}

/** Counters of this process's front cache. */
export function frontCacheCounters() {
  return { ...counters, entries: entries.size, bytes };
}

/**
 * Offer the front cache a finished anonymous document for `path`. `validate` is installed on first use.
 * Least recently stored entries are dropped beyond 64 MB.
 */
export function rememberAnonymousView(path: string, entry: FrontEntry, validate: FrontCache["validate"]): void {
  const g = globalThis as unknown as Record<symbol, FrontCache | undefined>;
  g[KEY] ??= {
    get: (p) => entries.get(p),
    validate,
    counters,
  };
  remove(path);
  entries.set(path, entry);
  bytes += entry.body.length + path.length;
  for (const key of entries.keys()) {
    if (bytes <= MAX_BYTES) break;
    remove(key);
  }
}
