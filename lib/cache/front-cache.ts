import "server-only";
import { countView } from "./view-counts";
import { FRONT_CACHE_KEY } from "@/lib/http/names.js";

/**
 * The front cache: finished documents of anonymous article views, kept in this process and served by the HTTP
 * front (scripts/serve.mjs) without entering Next.js, but only after asking PostgreSQL which revision is current
 * and finding it is the one the document shows. So it can never serve a stale page, on any instance; it only
 * saves Next.js's per-request work. See docs/decisions/0009-front-cache.md.
 *
 * The front and the app share a process but not a module graph (the app is bundled by Next.js), so they meet
 * through one declared interface, FrontCacheApi, installed once at start-up by instrumentation.ts under
 * FRONT_CACHE_KEY. The front only calls `lookup`; every decision is made here.
 */
export type FrontEntry = {
  /** The page title the document shows; what the validator is asked about. */
  title: string;
  /** The revision the document shows; the entry is served only while this is the page's current revision. */
  revisionId: number;
  /** The page's view version when the document was made (link colours, decision 0016); it must still be current. */
  viewVersion: number;
  headers: [string, string][];
  /** The document's entity tag, for answering a revalidation with 304. */
  etag: string | null;
  body: Buffer;
};

/** What the HTTP front may call. */
export type FrontCacheApi = {
  /**
   * The entry for an exact raw request path when PostgreSQL confirms it shows the current revision; null when
   * there is none, it is stale, or the check failed (then the request goes to Next.js, which decides afresh).
   */
  lookup(path: string): Promise<FrontEntry | null>;
};

/** The global under which the interface is installed (Symbol.for, so both module graphs name the same one). */
export { FRONT_CACHE_KEY };

/** Largest total of documents kept; the least recently stored go first. */
export const MAX_FRONT_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * The documents and counters, one set per process. Next.js bundles instrumentation.ts (which installs the
 * interface) apart from the article route (which stores documents), each with its own copy of this module, so
 * the state lives on globalThis, where both copies find the same one.
 */
type Store = { entries: Map<string, FrontEntry>; bytes: number; counters: { hits: number; stale: number; validationErrors: number }; lastErrorLog: number };
const store: Store = ((globalThis as unknown as Record<symbol, Store | undefined>)[Symbol.for("vellum.frontCacheStore")] ??= {
  entries: new Map(),
  bytes: 0,
  counters: { hits: 0, stale: 0, validationErrors: 0 },
  lastErrorLog: 0,
});
const { entries, counters } = store;

function remove(path: string) {
  const e = entries.get(path);
  if (e) {
    entries.delete(path);
    store.bytes -= e.body.length + path.length;
  }
}

/** Counters of this process's front cache. */
export function frontCacheCounters() {
  return { ...counters, entries: entries.size, bytes: store.bytes };
}

/**
 * Install the interface for the front, once per process: `validate` answers a title's current revision id and
 * view version (null when the page is gone). A failed validation is counted and logged (at most every 10 s) and the request falls
 * through to Next.js.
 */
export function installFrontCache(validate: (title: string) => Promise<{ revisionId: number; viewVersion: number } | null>): void {
  const g = globalThis as unknown as Record<symbol, FrontCacheApi | undefined>;
  if (g[FRONT_CACHE_KEY]) return;
  g[FRONT_CACHE_KEY] = {
    async lookup(path) {
      const entry = entries.get(path);
      if (!entry) return null;
      let current: { revisionId: number; viewVersion: number } | null;
      try {
        current = await validate(entry.title);
      } catch (e) {
        counters.validationErrors++;
        if (Date.now() - store.lastErrorLog > 10_000) {
          store.lastErrorLog = Date.now();
          console.error(`[vellum] front cache: could not check the current revision (${counters.validationErrors} so far):`, e);
        }
        return null;
      }
      if (current?.revisionId !== entry.revisionId || current.viewVersion !== entry.viewVersion) {
        counters.stale++;
        return null;
      }
      counters.hits++;
      countView(entry.title);
      return entry;
    },
  };
}

/** Offer the front cache a finished anonymous document for `path`; least recently stored entries go past the limit. */
export function rememberAnonymousView(path: string, entry: FrontEntry): void {
  remove(path);
  entries.set(path, entry);
  store.bytes += entry.body.length + path.length;
  for (const key of entries.keys()) {
    if (store.bytes <= MAX_FRONT_CACHE_BYTES) break;
    remove(key);
  }
}
