import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { db } from "@/lib/db";
import { closeTestConnections, makeUser, newPage, unique, type TestUser } from "@/lib/testing/factories";
import { savePage } from "@/lib/wiki/save";
import { setWatch } from "@/lib/wiki/watches";
import { movePage } from "@/lib/wiki/page-lifecycle";
import { awaitPurges, deliverPurges, surrogateKey } from "./cdn";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

// The purge outbox (decision 0025) against real PostgreSQL: its triggers, the sender's acknowledgements, retries and
// rebound. The caches here are two small HTTP servers that record each PURGE and answer as told; Varnish itself
// (its xkey purges, the ACL) is driven by `npm run test:faults` in the reference deployment.

type Cache = { server: http.Server; url: string; purges: { at: number; keys: string[] }[]; status: number };
const caches: Cache[] = [];
let author: TestUser;

async function fakeCache(): Promise<Cache> {
  const cache: Cache = { server: http.createServer(), url: "", purges: [], status: 200 };
  cache.server.on("request", (req, res) => {
    if (req.method === "PURGE") cache.purges.push({ at: Date.now(), keys: String(req.headers["xkey-purge"] ?? "").split(" ") });
    res.writeHead(req.method === "PURGE" ? cache.status : 405).end();
  });
  await new Promise<void>((r) => cache.server.listen(0, "127.0.0.1", r));
  cache.url = `http://127.0.0.1:${(cache.server.address() as AddressInfo).port}`;
  return cache;
}

before(async () => {
  caches.push(await fakeCache(), await fakeCache());
  // read by the first getConfig(), which the first query below makes
  process.env.PURGE_TARGETS = caches.map((c) => c.url).join(",");
  process.env.CDN_REBOUND_SECONDS = "1";
  author = await makeUser("editor");
});
after(async () => {
  for (const c of caches) c.server.close();
  await closeTestConnections();
});

async function rowsFor(title: string) {
  return db().$queryRaw<{ id: bigint; tags: string[]; sent_to: string[]; rebound_to: string[] }[]>`
    SELECT id, tags, sent_to, rebound_to FROM cdn_purges WHERE ${`t:${title}`} = ANY (tags)`;
}

const purged = (cache: Cache, title: string) => cache.purges.filter((p) => p.keys.includes(surrogateKey(`t:${title}`)));

test("a save queues its purge in its own transaction: one row with its title and every list; a refused save none", async () => {
  const title = unique("Purged page");
  await newPage(author, "one");
  const { revision } = await newPage(author, "first", title);
  const rows = await rowsFor(title);
  assert.equal(rows.length, 1, "one row for the creating transaction");
  assert.ok(rows[0]!.tags.includes("w"), "every list shows a new page");
  await assert.rejects(savePage({ title, markdown: "stale base", baseRevisionId: revision.id - 1, author }));
  assert.equal((await rowsFor(title)).length, 1, "a refused save queued nothing");
});

test("a move purges both titles; a page of 2,000 links purges every target in one row of its transaction", async () => {
  const from = unique("Moved from");
  const to = unique("Moved to");
  await newPage(author, "moving", from);
  await awaitPurges();
  await movePage({ from, to, leaveRedirect: false, author });
  const [moved] = await rowsFor(to);
  assert.ok(moved!.tags.includes(`t:${from}`) && moved!.tags.includes(`t:${to}`), "the old and the new title");
  const targets = Array.from({ length: 2000 }, (_, i) => unique(`Target ${i}`));
  const { title } = await newPage(author, targets.map((t) => `[[${t}]]`).join(" "));
  const rows = await db().$queryRaw<{ tags: string[] }[]>`SELECT tags FROM cdn_purges WHERE ${`t:${title}`} = ANY (tags)`;
  assert.equal(rows.length, 1);
  for (const t of targets) assert.ok(rows[0]!.tags.includes(`t:${t}`), `${t}, which the page now links to, is purged`);
});

test("after a change every cache gets its keys and acknowledges; the rebound sends them again; then the row is gone", async () => {
  const title = unique("Rebound page");
  await newPage(author, "text", title);
  const started = Date.now();
  await awaitPurges();
  for (const c of caches) assert.equal(purged(c, title).length, 1, `${c.url} was purged once, before the answer`);
  const [row] = await rowsFor(title);
  assert.deepEqual([...row!.sent_to].sort(), caches.map((c) => c.url).sort());
  // the rebound: due a second after the purge was first seen
  const deadline = Date.now() + 10_000;
  while ((await rowsFor(title)).length && Date.now() < deadline) {
    await deliverPurges();
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await rowsFor(title)).length, 0, "done once every cache acknowledged both");
  for (const c of caches) {
    const sends = purged(c, title);
    assert.equal(sends.length, 2, `${c.url} was purged again`);
    assert.ok(sends[1]!.at - started >= 1000, "the second send waited for the rebound delay");
  }
});

test("a cache that does not acknowledge is not waited for, and is sent its purges again until it does", async () => {
  const [up, down] = caches as [Cache, Cache];
  down.status = 503;
  try {
    const title = unique("Unreachable page");
    await newPage(author, "text", title);
    await awaitPurges();
    const [row] = await rowsFor(title);
    assert.deepEqual(row!.sent_to, [up.url], "acknowledged by the cache that answers only");
    await deliverPurges();
    assert.ok(purged(down, title).length >= 2, "sent again to the one that refused");
    down.status = 200;
    await deliverPurges();
    assert.ok((await rowsFor(title)).length === 0 || (await rowsFor(title))[0]!.sent_to.includes(down.url), "acknowledged once it answers");
  } finally {
    down.status = 200;
  }
});

test("a person's own records (watches) are never purged; titles never share a key, and keys have no separator", async () => {
  const { title } = await newPage(author, "watched");
  await awaitPurges();
  const count = async () => (await db().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM cdn_purges`)[0]!.n;
  const before = await count();
  await setWatch(author.id, title, true, PUBLIC_ACCESS);
  assert.equal(await count(), before, "a watch queues no purge");
  const keys = ["t:A, B", "t:A B", "t:a b", "w"].map(surrogateKey);
  assert.equal(new Set(keys).size, keys.length);
  for (const k of keys) assert.match(k, /^[A-Za-z0-9_-]{16}$/);
});
