import { test } from "node:test";
import assert from "node:assert/strict";
import { FRONT_CACHE_KEY, MAX_FRONT_CACHE_BYTES, frontCacheCounters, installFrontCache, rememberAnonymousView, type FrontCacheApi } from "./front-cache";

// In-process only (the validator is a function we hand it): the two-instance behaviour is in e2e/cache.spec.ts.
const current = new Map<string, { revisionId: number; viewVersion: number } | Error>();
const at = (revisionId: number, viewVersion = 0) => ({ revisionId, viewVersion });
installFrontCache(async (title) => {
  const v = current.get(title);
  if (v instanceof Error) throw v;
  return v ?? null;
});
const api = (globalThis as unknown as Record<symbol, FrontCacheApi>)[FRONT_CACHE_KEY]!;

function entry(title: string, revisionId: number, size = 10, viewVersion = 0) {
  return { title, revisionId, viewVersion, headers: [] as [string, string][], etag: null, body: Buffer.alloc(size) };
}

test("an entry is served only while PostgreSQL says its revision is current", async () => {
  current.set("A", at(1));
  rememberAnonymousView("/wiki/A", entry("A", 1));
  assert.equal((await api.lookup("/wiki/A"))?.revisionId, 1);
  current.set("A", at(2));
  const stale = frontCacheCounters().stale;
  assert.equal(await api.lookup("/wiki/A"), null, "a newer revision exists");
  assert.equal(frontCacheCounters().stale, stale + 1);
  current.delete("A");
  assert.equal(await api.lookup("/wiki/A"), null, "the page is gone");
  assert.equal(await api.lookup("/wiki/Never_Stored"), null);
});

test("an entry is not served once the colours of its links changed (a linked page was created or deleted)", async () => {
  current.set("L", at(5, 0));
  rememberAnonymousView("/wiki/L", entry("L", 5, 10, 0));
  assert.equal((await api.lookup("/wiki/L"))?.revisionId, 5);
  current.set("L", at(5, 1));
  assert.equal(await api.lookup("/wiki/L"), null, "same revision, newer view version");
});

test("a failed check is counted and falls through, never served", async () => {
  current.set("B", new Error("database down"));
  rememberAnonymousView("/wiki/B", entry("B", 1));
  const before = frontCacheCounters().validationErrors;
  assert.equal(await api.lookup("/wiki/B"), null);
  assert.equal(frontCacheCounters().validationErrors, before + 1);
});

test("past its size limit the least recently stored documents are dropped first", async () => {
  const size = Math.floor(MAX_FRONT_CACHE_BYTES / 4);
  for (const t of ["C1", "C2", "C3", "C4", "C5"]) {
    current.set(t, at(1));
    rememberAnonymousView(`/wiki/${t}`, entry(t, 1, size));
  }
  const counters = frontCacheCounters();
  assert.ok(counters.bytes <= MAX_FRONT_CACHE_BYTES, `${counters.bytes} bytes kept`);
  assert.equal(await api.lookup("/wiki/C1"), null, "the oldest went first");
  assert.equal((await api.lookup("/wiki/C5"))?.title, "C5", "the newest stays");
  rememberAnonymousView("/wiki/C5", entry("C5", 1, size));
  assert.ok(frontCacheCounters().bytes <= MAX_FRONT_CACHE_BYTES, "storing a path again replaces it, not adds to it");
});

test("installing twice keeps the first interface (one per process)", () => {
  installFrontCache(async () => at(99));
  assert.equal((globalThis as unknown as Record<symbol, FrontCacheApi>)[FRONT_CACHE_KEY], api);
});
