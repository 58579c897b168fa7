import "server-only";
import pg from "pg";
import { getConfig } from "@/lib/config";
import { HOT_FILES_KEY } from "@/lib/http/names.js";

/**
 * Hot files: small file responses kept in this process and answered by the HTTP front (scripts/serve.mjs) without
 * Next.js and without a database query. A version's bytes never change; the only thing that can change its answer
 * is its File: page being deleted (then 404). So every instance LISTENs on a PostgreSQL channel that the delete's
 * transaction NOTIFYs at commit, and drops that page's entries when told. While the subscription is not up (at
 * start, after the connection drops) nothing is answered from here: every request goes to the route, which asks
 * PostgreSQL. A response read before a notice arrived is never kept after it (docs/decisions/0020-files.md).
 */

/** The channel a File: page's deletion is announced on (payload: the page id). */
export const FILES_CHANNEL = "vellum_files";
/** Largest response kept; bigger files are streamed from PostgreSQL every time. */
export const MAX_HOT_FILE_BYTES = 1024 * 1024;
/** Largest total kept per process; the least recently stored go first. */
export const MAX_HOT_BYTES = 64 * 1024 * 1024;

export type HotFile = { pageId: number; status: number; headers: [string, string][]; etag: string; body: Buffer };

/** What the HTTP front may call. */
export type HotFilesApi = {
  /** The kept response for this exact path and query, or null (then the request goes to Next.js). */
  lookup(path: string): HotFile | null;
};

type Store = {
  entries: Map<string, HotFile>;
  bytes: number;
  /** True while the subscription is up: only then may entries be served or kept. */
  listening: boolean;
  /** Bumped by every notice and every loss of the subscription: a read that began before a bump is not kept. */
  generation: number;
  waiters: Map<number, (() => void)[]>;
  client: pg.Client | null;
  started: boolean;
};

const store: Store = ((globalThis as unknown as Record<symbol, Store | undefined>)[Symbol.for("vellum.hotFilesStore")] ??= {
  entries: new Map(),
  bytes: 0,
  listening: false,
  generation: 0,
  waiters: new Map(),
  client: null,
  started: false,
});

function remove(path: string) {
  const e = store.entries.get(path);
  if (e) {
    store.entries.delete(path);
    store.bytes -= e.body.length + path.length;
  }
}

function forgetPage(pageId: number) {
  for (const [path, e] of store.entries) if (e.pageId === pageId) remove(path);
}

function forgetAll() {
  store.entries.clear();
  store.bytes = 0;
}

/** Install the interface for the front and subscribe to deletions (once per process). */
export function installHotFiles(): void {
  const g = globalThis as unknown as Record<symbol, HotFilesApi | undefined>;
  if (store.started) return;
  store.started = true;
  g[HOT_FILES_KEY] = { lookup: (path) => (store.listening ? (store.entries.get(path) ?? null) : null) };
  void subscribe();
}

async function subscribe(): Promise<void> {
  const client = new pg.Client({ connectionString: getConfig().DATABASE_URL, keepAlive: true });
  const lost = () => {
    if (store.client !== client) return;
    store.client = null;
    store.listening = false;
    store.generation++;
    forgetAll();
    client.end().catch(() => {});
    setTimeout(() => void subscribe(), 1000).unref();
  };
  client.on("error", lost);
  client.on("end", lost);
  client.on("notification", (msg) => {
    const pageId = Number(msg.payload);
    store.generation++;
    forgetPage(pageId);
    for (const wake of store.waiters.get(pageId) ?? []) wake();
    store.waiters.delete(pageId);
  });
  try {
    store.client = client;
    await client.connect();
    await client.query(`LISTEN ${FILES_CHANNEL}`);
    store.generation++;
    store.listening = true;
  } catch {
    lost();
  }
}

/** The generation to pass to `keepHotFile` when a read for it begins; null while nothing may be kept. */
export function hotFilesGeneration(): number | null {
  return store.listening ? store.generation : null;
}

/** Keep a response for the front, unless a notice (or a lost subscription) came since its read began. */
export function keepHotFile(path: string, generation: number | null, file: HotFile): void {
  if (generation === null || generation !== store.generation || !store.listening || file.body.length > MAX_HOT_FILE_BYTES) return;
  remove(path);
  store.entries.set(path, file);
  store.bytes += file.body.length + path.length;
  for (const key of store.entries.keys()) {
    if (store.bytes <= MAX_HOT_BYTES) break;
    remove(key);
  }
}

/**
 * Called inside a File: page's deletion, before its commit: resolves once this instance has heard the deletion's
 * notice (or after `timeoutMs`), so the deleting request answers after this process stopped serving the page's
 * files. Other instances hear it at the same moment from PostgreSQL; one whose subscription is down serves
 * nothing from memory.
 */
export function expectFileNotice(pageId: number, timeoutMs = 1000): Promise<void> {
  if (!store.listening) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const list = store.waiters.get(pageId) ?? [];
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      const left = (store.waiters.get(pageId) ?? []).filter((w) => w !== wake);
      if (left.length) store.waiters.set(pageId, left);
      else store.waiters.delete(pageId);
      resolve();
    }, timeoutMs);
    timer.unref();
    list.push(wake);
    store.waiters.set(pageId, list);
  });
}

/** This process's counters, for the cache statistics. */
export function hotFileCounters() {
  return { listening: store.listening, entries: store.entries.size, bytes: store.bytes };
}

/** Stop the subscription (tests, and a process shutting down): nothing is served from memory after it. */
export async function stopHotFiles(): Promise<void> {
  const client = store.client;
  store.client = null;
  store.listening = false;
  store.started = false;
  forgetAll();
  delete (globalThis as unknown as Record<symbol, unknown>)[HOT_FILES_KEY];
  await client?.end().catch(() => {});
}
