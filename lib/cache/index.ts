import "server-only";
import { getConfig } from "@/lib/config";
import { Memcache } from "./memcache";
import { MemcachedBackend } from "./memcached-backend";
import { MemoryBackend } from "./memory-backend";

const globalForCache = globalThis as unknown as { vellumCache?: Memcache };

/** This instance's cache client: memcached when MEMCACHE_SERVERS is set, else the in-process fallback. */
export function getCache(): Memcache {
  if (!globalForCache.vellumCache) {
    const config = getConfig();
    const backend = config.MEMCACHE_SERVERS ? new MemcachedBackend(config.MEMCACHE_SERVERS) : new MemoryBackend();
    if (!config.MEMCACHE_SERVERS) {
      console.warn("[vellum] MEMCACHE_SERVERS is not set: using an in-process cache (fine for one instance only)");
    }
    globalForCache.vellumCache = new Memcache(backend, {
      namespace: config.MEMCACHE_PREFIX,
      timeoutMs: config.MEMCACHE_TIMEOUT_MS,
      maxValueBytes: config.MEMCACHE_MAX_VALUE_BYTES,
    });
  }
  return globalForCache.vellumCache;
}

/** "up" or "down" for memcached (can it answer now?), "memory" for the in-process cache. */
export async function cacheHealth(): Promise<"up" | "down" | "memory"> {
  const cache = getCache();
  if (cache.kind === "memory") return "memory";
  const stats = await cache.getStats();
  return stats.serversUp > 0 ? "up" : "down";
}

/** Close this instance's cache connections (tests and shutdown). */
export function closeCache(): void {
  globalForCache.vellumCache?.backend.close();
  globalForCache.vellumCache = undefined;
}

/** Replace this instance's cache client (tests use it to simulate a failing cache). */
export function setCacheForTesting(cache: Memcache | undefined): void {
  globalForCache.vellumCache = cache;
}
