import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { getConfig } from "@/lib/config";
import { getCache } from "./index";
import { ValueTooLargeError, type CacheValue } from "./memcache";

/**
 * The page cache: rendered pages stored under keys that name exactly what they contain (an immutable revision,
 * rendered by this build), so an entry can never be stale; which revision is current always comes from PostgreSQL.
 * See docs/decisions/0008-page-cache.md for the argument.
 */

/** Entries are immutable; the TTL only returns memory from pages nobody reads. */
export const PAGE_CACHE_TTL_SECONDS = 7 * 24 * 60 * 60;
/** How long one renderer may hold the lease on a cold key before others render it themselves. */
const LEASE_SECONDS = 3;
/** How long others wait (polling) for the lease holder's result before rendering themselves. */
const LEASE_WAIT_MS = 1500;
const LEASE_POLL_MS = 20;
const NAMESPACE = "page";

/** This instance's page-cache counters. */
export const pageCacheCounters = { hits: 0, misses: 0, errors: 0, renders: 0, tooLarge: 0 };

const inflight = new Map<string, Promise<CacheValue>>();
let buildId: string | undefined;

/** The build's id: a new deployment (maybe a new renderer) never reads an older build's HTML. */
export function currentBuildId(): string {
  if (buildId === undefined) {
    try {
      buildId = readFileSync(path.join(process.cwd(), ".next", "BUILD_ID"), "utf8").trim();
    } catch {
      buildId = "dev";
    }
  }
  return buildId;
}

/** The cache key of something identified by immutable parts (e.g. ["rev", 42]). */
export function pageCacheKey(parts: (string | number)[]): string {
  return [currentBuildId(), ...parts].join(":");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The cached value under `key`, or `render()`'s result, stored for next time. A cold key is rendered about once:
 * concurrent callers in this instance share one render, and instances share a short lease in memcached. Cache
 * failures only ever cost a render. `isRender: false` marks a plain load (e.g. a revision's Markdown), which is
 * cached the same way but not counted as a render.
 */
export async function cached<T extends CacheValue>(
  key: string,
  render: () => Promise<T>,
  { isRender = true }: { isRender?: boolean } = {},
): Promise<T> {
  if (getConfig().PAGE_CACHE === "off") {
    pageCacheCounters.misses++;
    if (isRender) pageCacheCounters.renders++;
    return render();
  }
  const { value: hit, failed } = await getCache().getOrFail<T>(key, { namespace: NAMESPACE });
  if (failed) pageCacheCounters.errors++;
  if (hit !== null) {
    pageCacheCounters.hits++;
    return hit;
  }
  pageCacheCounters.misses++;
  let pending = inflight.get(key);
  if (!pending) {
    pending = fill(key, render, isRender).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending as Promise<T>;
}

async function fill<T extends CacheValue>(key: string, render: () => Promise<T>, isRender: boolean): Promise<T> {
  const cache = getCache();
  const lease = await cache.storeOrFail("add", `lease:${key}`, 1, { namespace: NAMESPACE, time: LEASE_SECONDS });
  if (lease === "refused") {
    // Another instance is rendering this key: wait a moment for its result rather than render it again.
    for (let waited = 0; waited < LEASE_WAIT_MS; waited += LEASE_POLL_MS) {
      await sleep(LEASE_POLL_MS);
      const value = await cache.get<T>(key, { namespace: NAMESPACE });
      if (value !== null) return value;
    }
  }
  if (lease === "failed") pageCacheCounters.errors++;
  if (isRender) pageCacheCounters.renders++;
  const value = await render();
  try {
    const stored = await cache.storeOrFail("set", key, value, { namespace: NAMESPACE, time: PAGE_CACHE_TTL_SECONDS });
    if (stored === "failed") pageCacheCounters.errors++;
  } catch (e) {
    if (!(e instanceof ValueTooLargeError)) throw e;
    pageCacheCounters.tooLarge++; // served uncached; every view renders it
  }
  if (lease === "stored") await cache.delete(`lease:${key}`, { namespace: NAMESPACE });
  return value;
}

/** Drop a cached value whose source changed in place (a revision's kept render made again: lib/wiki/render-retry.ts). */
export async function forgetCached(key: string): Promise<void> {
  await getCache().delete(key, { namespace: NAMESPACE });
}
