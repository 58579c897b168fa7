import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Memcache, NonNumericValueError, ValueTooLargeError } from "./memcache";

/**
 * The memcache API's behaviour, as one suite run against every backend: the in-process fallback (unit tests) and
 * real memcached (integration tests), so the fake can never drift from the real thing.
 */
export function memcacheContract(name: string, makeClient: () => Memcache) {
  const k = (label: string) => `${label}-${randomBytes(4).toString("hex")}`;

  test(`${name}: values come back as they went in`, async () => {
    const c = makeClient();
    const values: unknown[] = ["text", "", "123", "ünïcödé ✓ 日本", 0, 42, -5, 1.5, true, false, null, { a: [1, "x"] }, [1, 2]];
    for (const v of values) {
      const key = k("v");
      assert.equal(await c.set(key, v as never), true);
      assert.deepEqual(await c.get(key), v, `value ${JSON.stringify(v)}`);
    }
  });

  test(`${name}: get of a missing key is null and counts a miss`, async () => {
    const c = makeClient();
    const before = { ...c.counters };
    assert.equal(await c.get(k("missing")), null);
    assert.equal(c.counters.misses, before.misses + 1);
    await c.set("present", "x");
    await c.get("present");
    assert.equal(c.counters.hits, before.hits + 1);
  });

  test(`${name}: add only when absent, replace only when present`, async () => {
    const c = makeClient();
    const key = k("ar");
    assert.equal(await c.replace(key, "r"), false);
    assert.equal(await c.get(key), null);
    assert.equal(await c.add(key, "first"), true);
    assert.equal(await c.add(key, "second"), false);
    assert.equal(await c.get(key), "first");
    assert.equal(await c.replace(key, "third"), true);
    assert.equal(await c.get(key), "third");
    assert.equal(await c.storeOrFail("add", key, "x"), "refused", "a refusal is not a failure");
    assert.equal(await c.storeOrFail("add", k("new"), "x"), "stored");
    assert.deepEqual(await c.getOrFail(k("absent")), { value: null, failed: false }, "a real miss is not a failure");
  });

  test(`${name}: delete and delete_multi`, async () => {
    const c = makeClient();
    const key = k("d");
    await c.set(key, 1);
    assert.equal(await c.delete(key), true);
    assert.equal(await c.delete(key), false);
    assert.equal(await c.get(key), null);
    await c.setMulti({ a: 1, b: 2 }, { keyPrefix: `${key}:` });
    assert.equal(await c.deleteMulti(["a", "b", "never"], { keyPrefix: `${key}:` }), true);
    assert.deepEqual(await c.getMulti(["a", "b"], { keyPrefix: `${key}:` }), {});
  });

  test(`${name}: get_multi returns found keys only; set_multi returns the keys not set`, async () => {
    const c = makeClient();
    const prefix = `${k("m")}:`;
    const big = "x".repeat(c.maxValueBytes + 1);
    const notSet = await c.setMulti({ one: 1, two: "2", three: { n: 3 }, huge: big }, { keyPrefix: prefix });
    assert.deepEqual(notSet, ["huge"]);
    assert.deepEqual(await c.getMulti(["one", "two", "three", "huge", "absent"], { keyPrefix: prefix }), {
      one: 1,
      two: "2",
      three: { n: 3 },
    });
    assert.equal(await c.get(`${prefix}one`), 1, "key_prefix is part of the stored key");
  });

  test(`${name}: expiry in seconds; 0 never expires`, async () => {
    const c = makeClient();
    const short = k("ttl");
    const forever = k("forever");
    // memcached's clock ticks in whole seconds, so a 1 s item may already be gone when read back: use 2 s
    await c.set(short, "soon gone", { time: 2 });
    await c.set(forever, "stays", { time: 0 });
    assert.equal(await c.get(short), "soon gone");
    await new Promise((r) => setTimeout(r, 3100));
    assert.equal(await c.get(short), null);
    assert.equal(await c.get(forever), "stays");
  });

  test(`${name}: incr and decr with App Engine semantics`, async () => {
    const c = makeClient();
    const missing = k("n");
    assert.equal(await c.incr(missing, 5), null, "a missing key without initial_value stays missing");
    assert.equal(await c.get(missing), null);
    assert.equal(await c.incr(missing, 5, { initialValue: 10 }), 15, "initial + delta");
    assert.equal(await c.incr(missing), 16);
    assert.equal(await c.get(missing), 16, "the counter reads back as a number");
    assert.equal(await c.decr(missing, 6), 10);
    assert.equal(await c.decr(missing, 100), 0, "decr stops at 0");
    const d = k("d");
    assert.equal(await c.decr(d, 5, { initialValue: 3 }), 0, "missing with initial: max(0, initial - delta)");
    const set = k("s");
    await c.set(set, 41);
    assert.equal(await c.incr(set), 42, "a number stored with set can be incremented");
    const text = k("t");
    await c.set(text, "not a number");
    await assert.rejects(c.incr(text), NonNumericValueError);
    await assert.rejects(c.incr(set, 1.5), RangeError);
  });

  test(`${name}: any string is a key; bad ones are hashed, never sent raw`, async () => {
    const c = makeClient();
    const base = k("key");
    const keys = [`${base} with spaces`, `${base}\ttab\nnewline`, `${base}\u0000nul`, `${base}-${"é".repeat(200)}`,
      `${base}-${"x".repeat(300)}-a`, `${base}-${"x".repeat(300)}-b`, `~h:${base}`, `${base}-日本語`];
    for (const [i, key] of keys.entries()) await c.set(key, i);
    for (const [i, key] of keys.entries()) assert.equal(await c.get(key), i, JSON.stringify(key.slice(0, 40)));
    for (const key of keys.slice(0, 7)) {
      const wire = c.wireKey(key);
      assert.ok(Buffer.byteLength(wire) <= 250 && !/[\s\u0000-\u001f]/.test(wire), "hashed wire key is valid");
      assert.notEqual(wire, key);
    }
    assert.equal(c.wireKey("plain"), "test:plain");
  });

  test(`${name}: namespaces keep the same key apart`, async () => {
    const c = makeClient();
    const key = k("ns");
    await c.set(key, "a", { namespace: "one" });
    await c.set(key, "b", { namespace: "two" });
    assert.equal(await c.get(key, { namespace: "one" }), "a");
    assert.equal(await c.get(key, { namespace: "two" }), "b");
    assert.equal(await c.get(key), null);
  });

  test(`${name}: a value over the item limit is refused before it is sent`, async () => {
    const c = makeClient();
    const key = k("big");
    await assert.rejects(c.set(key, "x".repeat(c.maxValueBytes)), ValueTooLargeError);
    assert.equal(await c.get(key), null);
    assert.equal(await c.set(key, "x".repeat(c.maxValueBytes - 1)), true, "just under the limit is stored");
    assert.equal(((await c.get(key)) as string).length, c.maxValueBytes - 1);
  });

  test(`${name}: stats count hits, misses, items and bytes`, async () => {
    const c = makeClient();
    const before = await c.getStats();
    const key = k("st");
    await c.set(key, "y".repeat(1000));
    await c.get(key);
    await c.get(key);
    await c.get(k("nope"));
    const after = await c.getStats();
    assert.ok(after.hits >= before.hits + 2, "hits counted");
    assert.ok(after.misses >= before.misses + 1, "misses counted");
    assert.ok(after.items >= 1 && after.bytes >= 1000, "items and bytes");
    assert.ok(after.hitRatio > 0 && after.hitRatio <= 1);
    assert.equal(after.serversUp, after.servers);
  });

  test(`${name}: flush_all empties the cache`, async () => {
    const c = makeClient();
    const key = k("f");
    await c.set(key, "x");
    assert.equal(await c.flushAll(), true);
    assert.equal(await c.get(key), null);
  });
}
