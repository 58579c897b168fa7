import { memcacheContract } from "./memcache.contract";
import { Memcache } from "./memcache";
import { MemoryBackend } from "./memory-backend";
import { test } from "node:test";
import assert from "node:assert/strict";

// The in-process fallback passes the same suite as real memcached (memcache.int.test.ts).
const backend = new MemoryBackend();
memcacheContract("memory", () => new Memcache(backend, { namespace: "test", maxValueBytes: 64 * 1024 }));

test("memory: least recently used entries are evicted beyond the size bound", async () => {
  const c = new Memcache(new MemoryBackend(10_000), { namespace: "lru" });
  await c.set("keep", "k".repeat(2000));
  for (let i = 0; i < 10; i++) {
    await c.set(`fill-${i}`, "f".repeat(2000));
    await c.get("keep"); // used, so it stays
  }
  assert.equal(((await c.get("keep")) as string).length, 2000);
  assert.equal(await c.get("fill-0"), null);
  assert.ok((await c.getStats()).bytes <= 10_000);
});
