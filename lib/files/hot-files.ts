import "server-only";
import { HOT_FILES_KEY } from "@/lib/http/names.js";
import { isTrusted, mayKeep, onNotice, onReset, readTicket, startCoherence } from "@/lib/cache/coherence";

/**
 * Hot files: small file responses kept in this process and answered by the HTTP front (scripts/serve.mjs) without
 * Next.js and without a database query. A version's bytes never change; the only thing that can change its answer
 * is its File: page being deleted (then 404). Each is kept under its page's tag (`t:<title>`) and dropped when a
 * notice names it (lib/cache/coherence.ts): the deleting request answers after every live instance has dropped
 * it. While this instance's memory is not trusted nothing is answered from here: every request goes to the route,
 * which asks PostgreSQL. A response read before a notice arrived is never kept after it (decisions 0020, 0021).
 */

/** Largest response kept; bigger files are streamed from PostgreSQL every time. */
export const MAX_HOT_FILE_BYTES = 1024 * 1024;
/** Largest total kept per process; the least recently stored go first. */
export const MAX_HOT_BYTES = 64 * 1024 * 1024;

/** `title`: the File: page's title, whose notices drop it. */
export type HotFile = { title: string; status: number; headers: [string, string][]; etag: string; body: Buffer };

/** What the HTTP front may call. */
export type HotFilesApi = {
  /** The kept response for this exact path and query, or null (then the request goes to Next.js). */
  lookup(path: string): HotFile | null;
};

type Store = { entries: Map<string, HotFile>; bytes: number; started: boolean };

const store: Store = ((globalThis as unknown as Record<symbol, Store | undefined>)[Symbol.for("vellum.hotFilesStore")] ??= {
  entries: new Map(),
  bytes: 0,
  started: false,
});

function remove(path: string) {
  const e = store.entries.get(path);
  if (e) {
    store.entries.delete(path);
    store.bytes -= e.body.length + path.length;
  }
}

function forgetAll() {
  store.entries.clear();
  store.bytes = 0;
}

/** Install the interface for the front and follow the notices (once per process). */
export function installHotFiles(): void {
  const g = globalThis as unknown as Record<symbol, HotFilesApi | undefined>;
  if (store.started) return;
  store.started = true;
  startCoherence();
  onNotice((tag) => {
    if (!tag.startsWith("t:")) return;
    const title = tag.slice(2);
    for (const [path, e] of store.entries) if (e.title === title) remove(path);
  });
  onReset(forgetAll);
  g[HOT_FILES_KEY] = { lookup: (path) => (isTrusted() ? (store.entries.get(path) ?? null) : null) };
}

/** The ticket to pass to `keepHotFile`, taken when a read for it begins; null while nothing may be kept. */
export function hotFilesTicket(): number | null {
  return store.started ? readTicket() : null;
}

/** Keep a response for the front, unless a notice of its page (or a lost subscription) came since its read began. */
export function keepHotFile(path: string, ticket: number | null, file: HotFile): void {
  if (!store.started || !mayKeep(ticket, [`t:${file.title}`]) || file.body.length > MAX_HOT_FILE_BYTES) return;
  remove(path);
  store.entries.set(path, file);
  store.bytes += file.body.length + path.length;
  for (const key of store.entries.keys()) {
    if (store.bytes <= MAX_HOT_BYTES) break;
    remove(key);
  }
}

/** This process's counters, for the cache statistics. */
export function hotFileCounters() {
  return { listening: isTrusted(), entries: store.entries.size, bytes: store.bytes };
}
