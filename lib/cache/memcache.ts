import { createHash } from "node:crypto";
import type { CacheBackend } from "./backend";

export { NonNumericValueError } from "./backend";

/** What can be cached: strings, numbers, booleans, null and JSON objects/arrays come back as they went in. */
export type CacheValue = string | number | boolean | null | { [k: string]: unknown } | unknown[];

/** A value larger than the backend's item limit: refused before it is sent. */
export class ValueTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`Value for "${key}" is ${bytes} bytes; the cache's item limit is ${limit}`);
    this.name = "ValueTooLargeError";
  }
}

export type MemcacheOptions = {
  /** Prefix applied to every key of this client (before per-call namespaces). */
  namespace?: string;
  /** Deadline of one call, in milliseconds; past it the call counts as a miss/failure. */
  timeoutMs?: number;
  /** Largest encoded value accepted (memcached's default item size is 1 MiB, key and header included). */
  maxValueBytes?: number;
};

type Call = { namespace?: string };
type Store = Call & { time?: number };
type Multi = Call & { keyPrefix?: string };

/** Counters of this client: calls that hit, missed, failed (error or deadline). */
export type ClientCounters = { hits: number; misses: number; errors: number; timeouts: number };

export type CacheStats = {
  backend: "memcached" | "memory";
  servers: number;
  serversUp: number;
  hits: number;
  misses: number;
  items: number;
  bytes: number;
  evictions: number;
  hitRatio: number;
};

const MAX_KEY_BYTES = 250;
const HASHED = "~h:";
const UNSAFE_KEY = /[\s\u0000-\u001f\u007f]/;
const TIMEOUT = Symbol("timeout");
/** What a guarded call gives when the backend failed or missed its deadline. */
const FAILED = Symbol("failed");

/**
 * The App Engine memcache API (get, get_multi, set, set_multi, add, replace, delete, delete_multi, incr, decr,
 * flush_all, get_stats) over a backend. Never throws for backend trouble: an error or a missed deadline is a miss
 * (or `false`), and is counted. It does throw for caller mistakes: a value over the item limit
 * (ValueTooLargeError) and incr/decr of a non-number (NonNumericValueError).
 */
export class Memcache {
  readonly counters: ClientCounters = { hits: 0, misses: 0, errors: 0, timeouts: 0 };
  private readonly namespace: string;
  private readonly timeoutMs: number;
  readonly maxValueBytes: number;

  constructor(
    readonly backend: CacheBackend,
    options: MemcacheOptions = {},
  ) {
    this.namespace = options.namespace ?? "";
    this.timeoutMs = options.timeoutMs ?? 250;
    this.maxValueBytes = options.maxValueBytes ?? 1024 * 1024 - 1024;
  }

  get kind() {
    return this.backend.kind;
  }

  /** The key as sent to the backend: namespaced, and hashed when memcached could not take it raw. */
  wireKey(key: string, namespace?: string): string {
    const full = [this.namespace, namespace ?? "", key].filter(Boolean).join(":");
    if (Buffer.byteLength(full) > MAX_KEY_BYTES || UNSAFE_KEY.test(full) || full.startsWith(HASHED) || full === "") {
      return HASHED + createHash("sha256").update(full).digest("hex");
    }
    return full;
  }

  async get<T extends CacheValue = CacheValue>(key: string, opts: Call = {}): Promise<T | null> {
    return (await this.getOrFail<T>(key, opts)).value;
  }

  /** Like get, and also says whether the call failed (a miss because of an error, rather than a real miss). */
  async getOrFail<T extends CacheValue = CacheValue>(key: string, opts: Call = {}): Promise<{ value: T | null; failed: boolean }> {
    const raw = await this.guard<Buffer | null | typeof FAILED>(this.backend.get(this.wireKey(key, opts.namespace)), FAILED);
    if (raw === FAILED || raw === null) {
      this.counters.misses++;
      return { value: null, failed: raw === FAILED };
    }
    this.counters.hits++;
    return { value: decode(raw) as T, failed: false };
  }

  /** The found keys only, with their values. */
  async getMulti<T extends CacheValue = CacheValue>(keys: string[], opts: Multi = {}): Promise<Record<string, T>> {
    const values = await Promise.all(keys.map((k) => this.get<T>((opts.keyPrefix ?? "") + k, opts)));
    const out: Record<string, T> = {};
    keys.forEach((k, i) => {
      if (values[i] !== null) out[k] = values[i] as T;
    });
    return out;
  }

  async set(key: string, value: CacheValue, opts: Store = {}): Promise<boolean> {
    return (await this.store("set", key, value, opts)) === true;
  }

  /** Store only if the key is absent; false when present (or on failure). */
  async add(key: string, value: CacheValue, opts: Store = {}): Promise<boolean> {
    return (await this.store("add", key, value, opts)) === true;
  }

  /** Store only if the key is present; false when missing (or on failure). */
  async replace(key: string, value: CacheValue, opts: Store = {}): Promise<boolean> {
    return (await this.store("replace", key, value, opts)) === true;
  }

  /** A store that tells a refusal (add: present; replace: missing) apart from a failure. */
  async storeOrFail(op: "set" | "add" | "replace", key: string, value: CacheValue, opts: Store = {}) {
    const result = await this.store(op, key, value, opts);
    return result === FAILED ? "failed" : result ? "stored" : "refused";
  }

  /** Set many; returns the keys that were NOT set (too large, or a failure). */
  async setMulti(mapping: Record<string, CacheValue>, opts: Store & Multi = {}): Promise<string[]> {
    const entries = Object.entries(mapping);
    const results = await Promise.all(
      entries.map(([k, v]) =>
        this.set((opts.keyPrefix ?? "") + k, v, opts).catch((e) => {
          if (e instanceof ValueTooLargeError) return false;
          throw e;
        }),
      ),
    );
    return entries.filter((_, i) => !results[i]).map(([k]) => k);
  }

  /** True when the key existed and was deleted. */
  async delete(key: string, opts: Call = {}): Promise<boolean> {
    return this.guard(this.backend.delete(this.wireKey(key, opts.namespace)), false);
  }

  /** Delete many; true when no call failed (missing keys are fine). */
  async deleteMulti(keys: string[], opts: Multi = {}): Promise<boolean> {
    const before = this.counters.errors;
    await Promise.all(keys.map((k) => this.delete((opts.keyPrefix ?? "") + k, opts)));
    return this.counters.errors === before;
  }

  /**
   * Atomically add `delta` and return the new value. A missing key stays missing (null) unless `initialValue` is
   * given, in which case it becomes initialValue + delta. Exact up to 2^32 - 1 (memjs decodes larger replies
   * wrongly).
   */
  incr(key: string, delta = 1, opts: Call & { initialValue?: number } = {}) {
    return this.counter(key, delta, opts);
  }

  /** Atomically subtract `delta`; memcached stops at 0. A missing key with initialValue becomes max(0, initial - delta). */
  decr(key: string, delta = 1, opts: Call & { initialValue?: number } = {}) {
    return this.counter(key, -delta, opts);
  }

  flushAll(): Promise<boolean> {
    return this.guard(this.backend.flush(), false);
  }

  /** The backend's own counters, summed over servers. */
  async getStats(): Promise<CacheStats> {
    const servers = await this.guard(this.backend.stats(), [], 1000);
    const sum = (name: string) => servers.reduce((n, s) => n + (Number(s.stats[name]) || 0), 0);
    const hits = sum("get_hits");
    const misses = sum("get_misses");
    return {
      backend: this.backend.kind,
      servers: servers.length,
      serversUp: servers.filter((s) => s.up).length,
      hits,
      misses,
      items: sum("curr_items"),
      bytes: sum("bytes"),
      evictions: sum("evictions"),
      hitRatio: hits + misses ? hits / (hits + misses) : 0,
    };
  }

  private async counter(key: string, delta: number, opts: Call & { initialValue?: number }) {
    if (!Number.isInteger(delta) || Math.abs(delta) > 0xffffffff) throw new RangeError("delta must be an integer below 2^32");
    const { initialValue } = opts;
    if (initialValue !== undefined && (!Number.isInteger(initialValue) || initialValue < 0 || initialValue > 0xffffffff)) {
      throw new RangeError("initialValue must be an integer from 0 to 2^32 - 1");
    }
    const start = initialValue === undefined ? undefined : Math.min(0xffffffff, Math.max(0, initialValue + delta));
    return this.guard(this.backend.incr(this.wireKey(key, opts.namespace), delta, start), null, undefined, true);
  }

  private async store(op: "set" | "add" | "replace", key: string, value: CacheValue, opts: Store): Promise<boolean | typeof FAILED> {
    const encoded = encode(value);
    if (encoded.length > this.maxValueBytes) throw new ValueTooLargeError(key, encoded.length, this.maxValueBytes);
    const time = opts.time ?? 0;
    if (!Number.isInteger(time) || time < 0) throw new RangeError("time must be a whole number of seconds, 0 = never");
    return this.guard<boolean | typeof FAILED>(this.backend[op](this.wireKey(key, opts.namespace), encoded, time), FAILED);
  }

  /** Await a backend call with a deadline; errors and timeouts become `fallback` and are counted. */
  private async guard<T>(call: Promise<T>, fallback: T, timeoutMs = this.timeoutMs, rethrowTyped = false): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMEOUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMEOUT), timeoutMs);
    });
    try {
      const result = await Promise.race([call, deadline]);
      if (result === TIMEOUT) {
        call.catch(() => {});
        this.counters.timeouts++;
        this.counters.errors++;
        return fallback;
      }
      return result;
    } catch (e) {
      if (rethrowTyped && e instanceof Error && e.name === "NonNumericValueError") throw e;
      this.counters.errors++;
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }
}

// Values on the wire: a non-negative integer as bare decimal digits (so memcached's incr/decr work on it), a
// string as "s" + UTF-8, anything else as "j" + JSON. The tags are not digits, so the three never mix.
function encode(value: CacheValue): Buffer {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return Buffer.from(String(value));
  if (typeof value === "string") return Buffer.concat([Buffer.from("s"), Buffer.from(value, "utf8")]);
  if (value === undefined) throw new TypeError("undefined cannot be cached");
  return Buffer.from("j" + JSON.stringify(value), "utf8");
}

function decode(raw: Buffer): CacheValue {
  const tag = raw[0];
  if (tag === 0x73) return raw.toString("utf8", 1);
  if (tag === 0x6a) return JSON.parse(raw.toString("utf8", 1)) as CacheValue;
  const text = raw.toString("latin1").trim();
  if (/^\d+$/.test(text)) return Number(text);
  return raw.toString("utf8");
}
