import "server-only";
import { getCache } from "./index";
import { pageCacheCounters } from "./page-cache";
import { frontCacheCounters } from "./front-cache";
import { hotFileCounters } from "@/lib/files/hot-files";
import { coherenceCounters } from "./coherence";
import { standbyReadCounters } from "@/lib/db";

/** GET /api/cache/stats: the backend's own counters summed over servers, and this instance's page-cache counters. */
export async function getCacheStats() {
  const stats = await getCache().getStats();
  return {
    backend: stats.backend,
    servers: stats.servers,
    serversUp: stats.serversUp,
    hits: stats.hits,
    misses: stats.misses,
    items: stats.items,
    bytes: stats.bytes,
    evictions: stats.evictions,
    hitRatio: stats.hitRatio,
    pageCache: { ...pageCacheCounters },
    frontCache: frontCacheCounters(),
    /** Files answered by the front from memory: whether this instance is subscribed to deletions, and what it keeps. */
    hotFiles: hotFileCounters(),
    /** This instance's notice subscription (decision 0021): whether its memory is trusted, barriers and how they ended. */
    coherence: coherenceCounters(),
    client: { ...getCache().counters },
    /** Reads meant for the standby (decision 0026), when DATABASE_REPLICA_URL is set: lists read there, passed over, failed. */
    standby: { ...standbyReadCounters },
  };
}
