import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { encode } from "next-auth/jwt";
import { getConfig } from "@/lib/config";
import { db, sqlPool } from "@/lib/db";
import { makeUser, testPeople, unique } from "@/lib/testing/factories";
import { savePage } from "@/lib/wiki/save";
import { currentPageState } from "@/lib/wiki/page-reads";
import { endSessions } from "@/lib/auth/accounts";
import { sessionReaders } from "@/lib/auth/session-reader";
import { SLOTS, readerEtag, type Reader } from "./front-documents";
import { type FrontCacheApi } from "./front-api";
import { FRONT_CACHE_KEY, installFrontCache, rememberArticle } from "./front-cache";
import { LEASE_MS, VIEWS_CHANNEL, awaitAcknowledgements, isTrusted, mayKeep, readTicket, startCoherence, stopCoherence } from "./coherence";

// Coherence against real PostgreSQL: notices from the triggers, acknowledgements, leases, a cut subscription.
// Other instances are played by plain pg connections that follow the protocol (or fail to); two real instances
// are in e2e/cache.spec.ts.
const people = testPeople({ editor: "editor", admin: "admin" });

async function trusted(): Promise<void> {
  for (let i = 0; i < 400 && !isTrusted(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(isTrusted(), "subscribed, with a lease");
}

before(async () => {
  startCoherence();
  installFrontCache(currentPageState, sessionReaders, (reader) => (reader ? `links of ${reader.username}` : "sign in"));
  await trusted();
});
after(stopCoherence);

const front = () => (globalThis as unknown as Record<symbol, FrontCacheApi>)[FRONT_CACHE_KEY]!;
const get = (path: string, cookie?: string) => ({ path, cookie, authorization: undefined, ifNoneMatch: undefined, rsc: false });

/** Keep an article document as the article route does (its read under `ticket`). */
function keepArticle(title: string, revisionId: number, ticket: number | null) {
  rememberArticle(`/wiki/${encodeURIComponent(title)}`, ticket, {
    title,
    audience: null,
    revisionId,
    viewVersion: 0,
    headers: [],
    body: `<p>${SLOTS.account}</p>revision ${revisionId}`,
    personalise: (reader: Reader) => ({ fills: { account: reader ? `me: ${reader.username} (${reader.role})` : "anon" }, etag: readerEtag(String(revisionId), reader) }),
  });
}

/** A new page, its save acknowledged, its document kept as the article route keeps it. */
async function keptArticle(prefix: string) {
  const title = unique(prefix);
  const saved = await savePage({ title, markdown: "one", baseRevisionId: null, author: people.editor });
  await awaitAcknowledgements();
  keepArticle(title, saved.revision.id, readTicket());
  return { title, revisionId: saved.revision.id, path: `/wiki/${encodeURIComponent(title)}` };
}

test("a save's notice drops the documents of its title, and a read that began before it is never kept", async () => {
  const { title, revisionId, path } = await keptArticle("Noticed");
  assert.match((await front().lookup(get(path)))!.body!.toString(), /revision/, "kept and served");

  const ticket = readTicket(); // a read begins
  await savePage({ title, markdown: "two", baseRevisionId: revisionId, author: people.editor });
  await awaitAcknowledgements(); // as the saving request does before it answers
  assert.equal(await front().lookup(get(path)), null, "dropped by the time the save answers");
  assert.equal(mayKeep(ticket, [`t:${title}`]), false, "the read that began before the save is not kept");
  assert.equal(mayKeep(readTicket(), [`t:${title}`]), true, "a read after it is");
  assert.equal(mayKeep(ticket, [`t:${unique("Other")}`]), true, "other titles are not affected");
});

test("while trusted, a kept article is answered from memory alone; once the subscription is cut, only after PostgreSQL confirms it", async () => {
  const title = unique("Trusted");
  const saved = await savePage({ title, markdown: "x", baseRevisionId: null, author: people.editor });
  await awaitAcknowledgements();
  // a document naming a revision PostgreSQL does not have: only a memory that asks nothing would serve it
  keepArticle(title, saved.revision.id + 1_000_000, readTicket());
  const path = `/wiki/${encodeURIComponent(title)}`;
  assert.ok(await front().lookup(get(path)), "served from memory, no query");

  await sqlPool().query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'vellum-coherence %' AND datname = current_database()`);
  for (let i = 0; i < 200 && isTrusted(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(isTrusted(), false, "the cut is noticed");
  keepArticle(title, saved.revision.id + 1_000_000, 0);
  assert.equal(await front().lookup(get(path)), null, "not trusted: PostgreSQL is asked, and says no");
  await trusted();
  assert.equal(await front().lookup(get(path)), null, "what was kept before the cut is forgotten");
  keepArticle(title, saved.revision.id, readTicket());
  assert.ok(await front().lookup(get(path)), "kept again once subscribed");
});

/** Another instance, played by a plain connection: it holds a lease and acknowledges barriers after `delayMs` (never when null). */
async function otherInstance(delayMs: number | null, leaseMs = LEASE_MS) {
  const client = new pg.Client({ connectionString: getConfig().DATABASE_URL });
  await client.connect();
  const id = unique("other").replace(/\s/g, "");
  await client.query(`LISTEN ${VIEWS_CHANNEL}`);
  await client.query("INSERT INTO instances (id, lease_until) VALUES ($1, now() + $2 * interval '1 millisecond')", [id, leaseMs]);
  client.on("notification", (msg) => {
    if (delayMs === null || !msg.payload?.startsWith("b:")) return;
    setTimeout(() => void client.query("SELECT pg_notify($1, $2)", [VIEWS_CHANNEL, `a:${msg.payload!.slice(2)} ${id}`]), delayMs);
  });
  return {
    async stop() {
      await client.query("DELETE FROM instances WHERE id = $1", [id]);
      await client.end();
    },
  };
}

test("a change answers once every live instance has acknowledged, however slow", async () => {
  const slow = await otherInstance(400);
  try {
    const started = Date.now();
    await awaitAcknowledgements();
    const took = Date.now() - started;
    assert.ok(took >= 380, `waited for the slow instance (${took} ms)`);
    assert.ok(took < LEASE_MS, `and no longer than it took (${took} ms)`);
  } finally {
    await slow.stop();
  }
});

test("an instance that never acknowledges is waited for until its lease runs out, and no longer", async () => {
  const silent = await otherInstance(null, 1500);
  try {
    const started = Date.now();
    await awaitAcknowledgements();
    const took = Date.now() - started;
    assert.ok(took >= 1300, `waited for its lease (${took} ms)`);
    assert.ok(took < 1500 + 1500, `then went on (${took} ms)`);
  } finally {
    await silent.stop();
  }
});

test("a signed-in reader is filled in from their current record: a role change shows at once, an ended session not at all", async () => {
  const { revisionId, path } = await keptArticle("Personal");
  const me = await makeUser("editor");
  const generation = (await db().user.findUniqueOrThrow({ where: { id: me.id } })).sessionGeneration;
  const token = await encode({ token: { sub: me.id, generation }, secret: getConfig().NEXTAUTH_SECRET ?? "" });
  const cookie = `theme=dark; next-auth.session-token=${token}`;

  const mine = await front().lookup(get(path, cookie));
  assert.equal(mine?.body?.toString(), `<p>me: ${me.username} (editor)</p>revision ${revisionId}`);
  assert.ok(mine?.headers.some(([k, v]) => k === "Cache-Control" && v === "private, no-cache"), "no shared cache keeps a filled-in copy");
  assert.equal((await front().lookup(get(path)))?.body?.toString(), `<p>anon</p>revision ${revisionId}`, "the document itself names nobody");

  await db().user.update({ where: { id: me.id }, data: { role: "reader" } });
  await awaitAcknowledgements();
  assert.match((await front().lookup(get(path, cookie)))!.body!.toString(), /\(reader\)/, "the new role, without a restart or a wait");

  await endSessions(me.id);
  await awaitAcknowledgements();
  assert.equal(await front().lookup(get(path, cookie)), null, "an ended session is not filled in here (Next.js decides)");
  assert.equal(await front().lookup(get(path, "next-auth.session-token=forged")), null, "nor a token that does not decrypt");
});

test("a captured page is kept under its tags and filled in per reader; one showing an error notice is never kept", async () => {
  const path = `/history/${unique("Captured").replaceAll(" ", "_")}`;
  const ticket = await front().capture(get(path));
  assert.ok(ticket, "a signed-out history page is captured");
  front().keep(ticket!, 200, [["content-type", "text/html"]], Buffer.from(`<p data-vellum-not-kept="">The database is busy</p>`), null);
  assert.equal(await front().lookup(get(path)), null, "an error notice is not kept");
  front().keep(ticket!, 200, [["content-type", "text/html"]], Buffer.from(`<header>${SLOTS.account}</header><script nonce="N0">x</script>`), "N0");
  const answer = await front().lookup(get(path));
  const html = answer!.body!.toString();
  assert.match(html, /^<header>sign in<\/header><script nonce="[^"]+">x<\/script>$/);
  assert.ok(!html.includes('nonce="N0"'), "a fresh nonce per answer");
  const policy = answer!.headers.find(([k]) => k === "Content-Security-Policy")?.[1] ?? "";
  assert.ok(policy.includes(`'nonce-${/nonce="([^"]+)"/.exec(html)![1]}'`), "and the policy names it");
  const title = decodeURIComponent(path.slice("/history/".length)).replaceAll("_", " ");
  await savePage({ title, markdown: "now a page", baseRevisionId: null, author: people.editor });
  await awaitAcknowledgements();
  assert.equal(await front().lookup(get(path)), null, "dropped by a change of its title");
});

