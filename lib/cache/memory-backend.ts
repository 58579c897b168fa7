import type { CacheBackend, ServerStats } from "./backend";
import { NonNumericValueError } from "./backend";

type Entry = { value: Buffer; expiresAt: number };

/** Seconds beyond which memcached reads an expiry as an absolute Unix time. */
const RELATIVE_TTL_LIMIT = 60 * 60 * 24 * 30;

function expiry(ttl: number): number {
  if (!ttl) return Infinity;
  return ttl > RELATIVE_TTL_LIMIT ? ttl * 1000 : Date.now() + ttl * 1000;
}

/**
 * The in-process fallback when no memcached is configured: same semantics as memcached for every operation, with
 * least-recently-used eviction beyond `maxBytes`. Per instance, so only right for a single app instance.
 */
export class MemoryBackend implements CacheBackend {
  readonly kind = "memory" as const;
  private entries = new Map<string, Entry>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  private live(key: string): Entry | null {
    const e = this.entries.get(key);
    if (!e) return null;
    if (e.expiresAt <= Date.now()) {
      this.remove(key);
      return null;
    }
    return e;
  }

  private remove(key: string) {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    this.bytes -= e.value.length + key.length;
    return true;
  }

  private store(key: string, value: Buffer, ttl: number) {
    this.remove(key);
    this.entries.set(key, { value: Buffer.from(value), expiresAt: expiry(ttl) });
    this.bytes += value.length + key.length;
    for (const k of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k);
      this.evictions++;
    }
  }

  async get(key: string) {
    const e = this.live(key);
    if (!e) {
      this.misses++;
      return null;
    }
    this.hits++;
    this.entries.delete(key); // most recently used goes last
    this.entries.set(key, e);
    return Buffer.from(e.value);
  }

  async set(key: string, value: Buffer, ttl: number) {
    this.store(key, value, ttl);
    return true;
  }

  async add(key: string, value: Buffer, ttl: number) {
    if (this.live(key)) return false;
    this.store(key, value, ttl);
    return true;
  }

  async replace(key: string, value: Buffer, ttl: number) {
    if (!this.live(key)) return false;
    this.store(key, value, ttl);
    return true;
  }

  async delete(key: string) {
    return this.live(key) ? this.remove(key) : false;
  }

  async incr(key: string, delta: number, initial: number | undefined) {
    const e = this.live(key);
    if (!e) {
      if (initial === undefined) return null;
      this.store(key, Buffer.from(String(initial)), 0);
      return initial;
    }
    const text = e.value.toString("latin1");
    if (!/^\d+$/.test(text)) throw new NonNumericValueError(key);
    const next = Math.max(0, Number(text) + delta);
    e.value = Buffer.from(String(next));
    return next;
  }

  async flush() {
    this.entries.clear();
    this.bytes = 0;
    return true;
  }

  async stats(): Promise<ServerStats[]> {
    return [
      {
        server: "memory",
        up: true,
        stats: {
          get_hits: String(this.hits),
          get_misses: String(this.misses),
          curr_items: String(this.entries.size),
          bytes: String(this.bytes),
          evictions: String(this.evictions),
          limit_maxbytes: String(this.maxBytes),
        },
      },
    ];
  }

  close() {}
}
