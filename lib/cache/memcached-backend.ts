import memjs from "memjs";
import type { CacheBackend, ServerStats } from "./backend";
import { NonNumericValueError } from "./backend";

/** memcached's binary protocol: an expiry of 0xffffffff makes incr/decr fail on a missing key instead of creating it. */
const DO_NOT_CREATE = 0xffffffff;

/**
 * memcached through memjs. Errors propagate (memcache.ts counts them and turns them into misses); memjs's own
 * logging is silenced. Servers are chosen by memjs's hash of the key, so every instance must list the same servers
 * in the same order.
 */
export class MemcachedBackend implements CacheBackend {
  readonly kind = "memcached" as const;
  private client: memjs.Client;

  constructor(readonly servers: string) {
    this.client = memjs.Client.create(servers, {
      timeout: 0.5,
      conntimeout: 1,
      retries: 1,
      keepAlive: true,
      logger: { log() {} },
    });
  }

  async get(key: string) {
    const { value } = await this.client.get(key);
    return value ? Buffer.from(value) : null;
  }

  set(key: string, value: Buffer, ttl: number) {
    return this.client.set(key, value, { expires: ttl });
  }

  add(key: string, value: Buffer, ttl: number) {
    return this.client.add(key, value, { expires: ttl });
  }

  replace(key: string, value: Buffer, ttl: number) {
    return this.client.replace(key, value, { expires: ttl });
  }

  delete(key: string) {
    return this.client.delete(key);
  }

  async incr(key: string, delta: number, initial: number | undefined) {
    const options = initial === undefined ? { initial: 0, expires: DO_NOT_CREATE } : { initial, expires: 0 };
    try {
      const result =
        delta >= 0
          ? await this.client.increment(key, delta, options)
          : await this.client.decrement(key, -delta, options);
      return result.success ? Number(result.value) : null;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (/not found/i.test(message)) return null;
      if (/non-numeric/i.test(message)) throw new NonNumericValueError(key);
      throw e;
    }
  }

  async flush() {
    const results = await this.client.flush();
    return Object.values(results).every((ok) => ok === true);
  }

  stats(): Promise<ServerStats[]> {
    const servers = this.client.servers.map((s) => `${s.host}:${s.port}`);
    return new Promise((resolve) => {
      const out = new Map<string, ServerStats>(servers.map((s) => [s, { server: s, up: false, stats: {} }]));
      let pending = servers.length;
      const done = () => resolve([...out.values()]);
      if (!pending) return done();
      this.client.stats((err, server, stats) => {
        if (!err && stats) out.set(server, { server, up: true, stats });
        if (--pending === 0) done();
      });
    });
  }

  close() {
    this.client.close();
  }
}
