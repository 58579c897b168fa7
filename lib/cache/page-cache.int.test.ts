import { test } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { testPeople, unique } from "@/lib/testing/factories";
import { getPageOrThrow } from "@/lib/wiki/page-reads";
import { revertPage } from "@/lib/wiki/page-lifecycle";
import { savePage } from "@/lib/wiki/save";
import { renderCounters } from "@/lib/markdown/render-pool";
import { getRevisionOrThrow } from "@/lib/wiki/revisions";
import { getCache, setCacheForTesting } from "./index";
import { Memcache } from "./memcache";
import { MemcachedBackend } from "./memcached-backend";
import { pageCacheCounters } from "./page-cache";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

// The page cache against real PostgreSQL and real memcached, within one instance. The two-instance properties
// (read-your-writes across instances, memcached restarts) are in e2e/cache.spec.ts.
const people = testPeople({ author: "editor" });

async function create(markdown: string) {
  const title = unique("Cached");
  const r = await savePage({ title, markdown, baseRevisionId: null, author: people.author });
  return { title, revisionId: r.revision.id };
}

test("a view after a save shows that revision (read-your-writes), and the second view is a hit with no render", async () => {
  const { title, revisionId } = await create("# v1\n");
  assert.equal((await getPageOrThrow(title, PUBLIC_ACCESS)).revision.id, revisionId);
  const r2 = await savePage({ title, markdown: "# v2\n", baseRevisionId: revisionId, author: people.author });
  const renders = pageCacheCounters.renders;
  const first = await getPageOrThrow(title, PUBLIC_ACCESS);
  assert.equal(first.revision.id, r2.revision.id);
  assert.match(first.html, /v2/);
  assert.equal(pageCacheCounters.renders, renders + 1);
  const hits = pageCacheCounters.hits;
  const again = await getPageOrThrow(title, PUBLIC_ACCESS);
  assert.deepEqual(again, first);
  assert.equal(pageCacheCounters.renders, renders + 1, "a hit renders nothing");
  assert.equal(pageCacheCounters.hits, hits + 2, "two hits: the rendered view and the Markdown");
});

test("a burst of 50 concurrent views of a cold page renders it once", async () => {
  const { title, revisionId } = await create("# burst\n\n" + "word ".repeat(4000));
  await getCache().flushAll();
  const renders = pageCacheCounters.renders;
  const views = await Promise.all(Array.from({ length: 50 }, () => getPageOrThrow(title, PUBLIC_ACCESS)));
  assert.ok(views.every((v) => v.revision.id === revisionId));
  assert.equal(pageCacheCounters.renders, renders + 1);
});

test("a flushed cache costs one render, never a stale page", async () => {
  const { title, revisionId } = await create("before flush\n");
  await getPageOrThrow(title, PUBLIC_ACCESS);
  const r2 = await savePage({ title, markdown: "after flush\n", baseRevisionId: revisionId, author: people.author });
  await getCache().flushAll();
  const view = await getPageOrThrow(title, PUBLIC_ACCESS);
  assert.equal(view.revision.id, r2.revision.id);
  assert.equal(view.markdown, "after flush\n");
});

test("memcached unreachable: pages are served from PostgreSQL, errors are counted, nothing throws", async () => {
  const { title, revisionId } = await create("served without cache\n");
  const real = getCache();
  const dead = new Memcache(new MemcachedBackend("127.0.0.1:1"), { namespace: "vellum", timeoutMs: 100 });
  setCacheForTesting(dead);
  try {
    const errors = pageCacheCounters.errors;
    const view = await getPageOrThrow(title, PUBLIC_ACCESS);
    assert.equal(view.revision.id, revisionId);
    assert.equal(view.markdown, "served without cache\n");
    assert.ok(pageCacheCounters.errors > errors);
  } finally {
    dead.backend.close();
    setCacheForTesting(real);
  }
  const hitsBefore = pageCacheCounters.hits;
  await getPageOrThrow(title, PUBLIC_ACCESS);
  await getPageOrThrow(title, PUBLIC_ACCESS);
  assert.ok(pageCacheCounters.hits > hitsBefore, "once the cache is back it fills and hits again");
});

test("a page too large for one cache item is served uncached, from its kept HTML: no view renders it again", async () => {
  const { title, revisionId } = await create("x".repeat(1024 * 1024)); // the largest page allowed
  const tooLarge = pageCacheCounters.tooLarge;
  const renders = renderCounters.renders;
  for (let i = 0; i < 3; i++) {
    const view = await getPageOrThrow(title, PUBLIC_ACCESS);
    assert.equal(view.revision.id, revisionId);
    assert.equal(view.markdown.length, 1024 * 1024);
  }
  assert.ok(pageCacheCounters.tooLarge > tooLarge);
  assert.equal(renderCounters.renders, renders, "rendered once, at save");
});

test("a revision's HTML is made at save and kept; a flushed cache reads it back; a revert reuses it", async () => {
  const renders = renderCounters.renders;
  const { title, revisionId } = await create("# Kept\n\n*once*\n");
  assert.equal(renderCounters.renders, renders + 1, "the save rendered it");
  await getCache().flushAll();
  const view = await getPageOrThrow(title, PUBLIC_ACCESS);
  assert.match(view.html, /<em>once<\/em>/);
  const r2 = await savePage({ title, markdown: "changed\n", baseRevisionId: revisionId, author: people.author });
  const reverted = await revertPage({ title, revisionId, author: people.author });
  await getCache().flushAll();
  const back = await getPageOrThrow(title, PUBLIC_ACCESS);
  assert.equal(back.revision.id, reverted.revision.id);
  assert.match(back.html, /<em>once<\/em>/);
  assert.equal(renderCounters.renders, renders + 2, "two saves, two renders; the revert and the views none");
  assert.ok(r2.revision.id < reverted.revision.id);
  const kept = await db().revisionRender.findUniqueOrThrow({ where: { revisionId: reverted.revision.id } });
  assert.equal(kept.gaveUp, null);
});

test("old revisions are cached by id and know whether they are current", async () => {
  const { title, revisionId } = await create("one\n");
  const r2 = await savePage({ title, markdown: "two\n", baseRevisionId: revisionId, author: people.author });
  const old = await getRevisionOrThrow(revisionId, PUBLIC_ACCESS);
  assert.equal(old.isLatest, false);
  assert.equal(old.markdown, "one\n");
  assert.equal((await getRevisionOrThrow(r2.revision.id, PUBLIC_ACCESS)).isLatest, true);
});
