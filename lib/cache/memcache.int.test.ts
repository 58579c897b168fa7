import { test, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { startMemcached } from "../../scripts/lib/memcached.mjs";
import { memcacheContract } from "./memcache.contract";
import { Memcache } from "./memcache";
import { MemcachedBackend } from "./memcached-backend";

// Real memcached: two servers of this file's own (it flushes them and counts their items, so it shares them with
// no other test file).
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
const own = [await startMemcached({ port: await freePort() }), await startMemcached({ port: await freePort() })];
const servers = own.map((m) => m.servers).join(",");
const backend = new MemcachedBackend(servers);
const opened: MemcachedBackend[] = [backend];
after(async () => {
  opened.forEach((b) => b.close());
  await Promise.all(own.map((m) => m.stop()));
});

memcacheContract("memcached", () => new Memcache(backend, { namespace: "test" }));

test("memcached: keys spread over every server and stats are summed over them", async () => {
  const c = new Memcache(backend, { namespace: "spread" });
  for (let i = 0; i < 200; i++) await c.set(`key-${i}`, i);
  for (let i = 0; i < 200; i++) assert.equal(await c.get(`key-${i}`), i);
  // hits change only when we read, so two snapshots taken with no read between them must agree (items would not:
  // memcached reclaims the earlier tests' expired keys whenever it likes)
  const perServer = await backend.stats();
  const total = await c.getStats();
  assert.equal(perServer.length, servers.split(",").length);
  assert.ok(perServer.length >= 2, "the test runs against at least two servers");
  for (const s of perServer) assert.ok(Number(s.stats.get_hits) > 0, `server ${s.server} answered some of the reads`);
  assert.equal(total.hits, perServer.reduce((n, s) => n + Number(s.stats.get_hits), 0));
  assert.ok(total.items >= 200, `${total.items} items over all servers`);
});

test("memcached down: calls answer as misses, are counted, and never throw", async () => {
  const down = new MemcachedBackend("127.0.0.1:1");
  opened.push(down);
  const c = new Memcache(down, { namespace: "down" });
  assert.equal(await c.get("x"), null);
  assert.equal(await c.set("x", "v"), false);
  assert.equal(await c.add("x", "v"), false);
  assert.equal(await c.delete("x"), false);
  assert.equal(await c.incr("x", 1, { initialValue: 1 }), null);
  assert.equal(await c.flushAll(), false);
  assert.deepEqual(await c.getOrFail("x"), { value: null, failed: true });
  assert.equal(await c.storeOrFail("add", "x", 1), "failed");
  const stats = await c.getStats();
  assert.equal(stats.serversUp, 0);
  assert.ok(c.counters.errors >= 6);
});

test("a server that accepts but never answers: each call gives up at its deadline", async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const port = (silent.address() as net.AddressInfo).port;
  const hung = new MemcachedBackend(`127.0.0.1:${port}`);
  opened.push(hung);
  const c = new Memcache(hung, { namespace: "hung", timeoutMs: 100 });
  assert.equal(await c.get("a"), null);
  assert.equal(await c.get("b"), null, "the call after a timeout does not hang either");
  assert.equal(await c.set("c", 1), false);
  assert.ok(c.counters.timeouts >= 3);
  silent.close();
  sockets.forEach((s) => s.destroy());
});
