import { test } from "node:test";
import assert from "node:assert/strict";
import { PUBLIC_AUDIENCE, SLOTS, audienceKey, cutAtSlots, filled, readerEtag, type Reader } from "./front-documents";
import { type FrontCacheApi, type FrontRequest } from "./front-api";
import { FRONT_CACHE_KEY, MAX_FRONT_CACHE_BYTES, frontCacheCounters, installFrontCache, rememberArticle } from "./front-cache";

// In-process, without notices (this process is not subscribed, so its memory is never trusted): articles are
// validated by the function handed over, everything else passes. Notices are in coherence.int.test.ts, and two
// instances in e2e/cache.spec.ts.
const current = new Map<string, { revisionId: number; viewVersion: number } | Error>();
const at = (revisionId: number, viewVersion = 0) => ({ revisionId, viewVersion });
installFrontCache(async (title) => {
  const v = current.get(title);
  if (v instanceof Error) throw v;
  return v ?? null;
}, null);
const api = (globalThis as unknown as Record<symbol, FrontCacheApi>)[FRONT_CACHE_KEY]!;

const get = (path: string, more: Partial<FrontRequest> = {}): FrontRequest => ({ path, cookie: undefined, authorization: undefined, ifNoneMatch: undefined, rsc: false, ...more });

function article(title: string, revisionId: number, size = 10, viewVersion = 0) {
  rememberArticle(`/wiki/${title}`, null, {
    title,
    audience: null,
    revisionId,
    viewVersion,
    headers: [["Content-Type", "text/html; charset=utf-8"]],
    body: `<header>${SLOTS.account}</header>${"x".repeat(size)}<footer>${SLOTS.tools}</footer>`,
    personalise: (reader: Reader) => ({
      fills: { account: reader ? `hello ${reader.username}` : "sign in", tools: reader ? "move" : "" },
      etag: readerEtag(`${revisionId}-${viewVersion}`, reader),
    }),
  });
}

test("an article is served only while PostgreSQL says its revision is current (memory not trusted)", async () => {
  current.set("A", at(1));
  article("A", 1);
  const hit = await api.lookup(get("/wiki/A"));
  assert.equal(hit?.status, 200);
  assert.match(hit!.body!.toString(), /^<header>sign in<\/header>x+<footer><\/footer>$/, "filled in for a signed-out reader");
  assert.ok(hit!.headers.some(([k, v]) => k === "Cache-Control" && v === "no-cache"), "a shared cache may keep it");
  current.set("A", at(2));
  const stale = frontCacheCounters().stale;
  assert.equal(await api.lookup(get("/wiki/A")), null, "a newer revision exists");
  assert.equal(frontCacheCounters().stale, stale + 1);
  current.delete("A");
  assert.equal(await api.lookup(get("/wiki/A")), null, "the page is gone");
  assert.equal(await api.lookup(get("/wiki/Never_Stored")), null);
});

test("an article is not served once the colours of its links changed (a linked page was created or deleted)", async () => {
  current.set("L", at(5, 0));
  article("L", 5, 10, 0);
  assert.equal((await api.lookup(get("/wiki/L")))?.status, 200);
  current.set("L", at(5, 1));
  assert.equal(await api.lookup(get("/wiki/L")), null, "same revision, newer view version");
});

test("a revalidation with the reader's entity tag gets a 304 without a body", async () => {
  current.set("E", at(3));
  article("E", 3);
  const etag = readerEtag("3-0", null);
  const answer = await api.lookup(get("/wiki/E", { ifNoneMatch: etag }));
  assert.equal(answer?.status, 304);
  assert.equal(answer?.body, null);
  assert.notEqual(readerEtag("3-0", { username: "ann", role: "editor" }), etag, "another reader's copy has another tag");
  assert.notEqual(readerEtag("3-0", { username: "ann", role: "admin" }), readerEtag("3-0", { username: "ann", role: "editor" }), "and a new role a new one");
});

test("signed-in, token and router requests are never answered from a memory that is not trusted", async () => {
  current.set("S", at(1));
  article("S", 1);
  assert.equal(await api.lookup(get("/wiki/S", { cookie: "next-auth.session-token=abc" })), null);
  assert.equal(await api.lookup(get("/wiki/S", { authorization: "Bearer x" })), null);
  assert.equal(await api.lookup(get("/wiki/S", { rsc: true })), null);
  assert.equal(await api.capture(get("/history/S")), null, "nothing is captured without notices");
});

test("a failed check is counted and falls through, never served", async () => {
  current.set("B", new Error("database down"));
  article("B", 1);
  const before = frontCacheCounters().validationErrors;
  assert.equal(await api.lookup(get("/wiki/B")), null);
  assert.equal(frontCacheCounters().validationErrors, before + 1);
});

test("slots and a nonce are cut out once and filled per answer", () => {
  const { parts, holes } = cutAtSlots(`a${SLOTS.account}b<script nonce="N0NCE">c${SLOTS.tools}d N0NCE`, "N0NCE");
  assert.deepEqual(holes, ["account", "nonce", "tools", "nonce"]);
  assert.equal(filled(parts, holes, { account: "[me]", nonce: "fresh", tools: "" }).toString(), 'a[me]b<script nonce="fresh">cd fresh');
});

test("the cache holds at most MAX_FRONT_CACHE_BYTES, dropping the oldest entries", async () => {
  const size = 3 * 1024 * 1024; // under the largest document kept
  const titles = Array.from({ length: Math.ceil(MAX_FRONT_CACHE_BYTES / size) + 2 }, (_, i) => `C${i + 1}`);
  for (const t of titles) {
    current.set(t, at(1));
    article(t, 1, size);
  }
  const counters = frontCacheCounters();
  assert.ok(counters.bytes <= MAX_FRONT_CACHE_BYTES, `${counters.bytes} bytes kept`);
  assert.equal(await api.lookup(get("/wiki/C1")), null, "the oldest went first");
  const last = titles.at(-1)!;
  assert.ok(await api.lookup(get(`/wiki/${last}`)));
  article(last, 1, size);
  assert.ok(frontCacheCounters().bytes <= MAX_FRONT_CACHE_BYTES, "storing a path again replaces it, not adds to it");
});

test("installing twice keeps the first interface", () => {
  installFrontCache(async () => at(99), null);
  assert.equal((globalThis as unknown as Record<symbol, FrontCacheApi>)[FRONT_CACHE_KEY], api);
});

test("a document made for an audience is served to none other: a signed-out reader gets the public audience's only", async () => {
  current.set("P", at(7));
  const remember = (audience: string | null, text: string) =>
    rememberArticle("/wiki/P", null, {
      title: "P", audience, revisionId: 7, viewVersion: 0, headers: [],
      body: `<header>${SLOTS.account}</header>${text}`,
      personalise: () => ({ fills: {}, etag: null }),
    });
  remember("e3-insiders", "the insiders' colours");
  assert.equal(await api.lookup(get("/wiki/P")), null, "an insiders' document is never a signed-out reader's");
  remember(PUBLIC_AUDIENCE, "the public colours");
  assert.match((await api.lookup(get("/wiki/P")))!.body!.toString(), /the public colours/);
  assert.equal(audienceKey("/wiki/P", "x"), "/wiki/P\n@x", "an audience's key is no path a request can name");
});
