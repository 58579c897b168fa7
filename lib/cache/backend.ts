/**
 * The raw operations a cache backend offers, on already-encoded keys and values. Two implementations: memcached
 * through memjs (lib/cache/memcached-backend.ts) and an in-process map (lib/cache/memory-backend.ts). All the
 * App Engine semantics (serialisation, key hashing, namespaces, deadlines, counting) live above, in memcache.ts,
 * so both backends behave the same.
 */
export interface CacheBackend {
  readonly kind: "memcached" | "memory";
  get(key: string): Promise<Buffer | null>;
  /** Store unconditionally. `ttl` in seconds, 0 = never expires. */
  set(key: string, value: Buffer, ttl: number): Promise<boolean>;
  /** Store only when absent. */
  add(key: string, value: Buffer, ttl: number): Promise<boolean>;
  /** Store only when present. */
  replace(key: string, value: Buffer, ttl: number): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  /**
   * Add `delta` (negative to subtract; memcached stops at 0). When the key is missing: with `initial` undefined,
   * return null and create nothing; otherwise store `initial` and return it.
   */
  incr(key: string, delta: number, initial: number | undefined): Promise<number | null>;
  flush(): Promise<boolean>;
  /** One entry per server, with memcached's own counters as strings. */
  stats(): Promise<ServerStats[]>;
  close(): void;
}

export type ServerStats = { server: string; up: boolean; stats: Record<string, string> };

/** An increment on a value that is not a decimal number. */
export class NonNumericValueError extends Error {
  constructor(key: string) {
    super(`Cannot increment or decrement "${key}": its value is not a number`);
    this.name = "NonNumericValueError";
  }
}
