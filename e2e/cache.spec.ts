import { test, expect, request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { startMemcached, probeMemcached } from "../scripts/lib/memcached.mjs";
import { createAccount, newTitle, saveInEditor, signInApi, signUpInBrowser, slugPath, sql } from "./fixtures";

// The page cache's promises, checked with two app instances sharing PostgreSQL and one memcached, as `npm test`
// starts them (E2E_BASE_URL and E2E_SECOND_URL). See docs/decisions/0008-page-cache.md.
const A = process.env.E2E_BASE_URL ?? "http://localhost:3100";
const B = process.env.E2E_SECOND_URL ?? "http://localhost:3101";
const MC_PORT = Number(process.env.E2E_MEMCACHED_PORT ?? 11421);
const PIDFILE = process.env.E2E_MEMCACHED_PIDFILE ?? "";

test.describe.configure({ mode: "serial" });
test.skip(!process.env.E2E_SECOND_URL || !PIDFILE || !process.env.E2E_DATABASE_URL, "needs the two-instance setup of npm test");

let a: APIRequestContext;
let b: APIRequestContext;
// signed-out readers, whose article views the front cache may answer
let anonA: APIRequestContext;
let anonB: APIRequestContext;
let username: string;

test.beforeAll(async () => {
  // every request has a deadline, so a stuck server fails the test with the request named instead of hanging it
  const timeout = 20_000;
  a = await playwrightRequest.newContext({ baseURL: A, extraHTTPHeaders: { Origin: A }, timeout });
  b = await playwrightRequest.newContext({ baseURL: B, extraHTTPHeaders: { Origin: B }, timeout });
  anonA = await playwrightRequest.newContext({ baseURL: A, timeout });
  anonB = await playwrightRequest.newContext({ baseURL: B, timeout });
  username = await createAccount(a);
  await signInApi(a, username);
  await signInApi(b, username);
});
test.afterAll(async () => {
  for (const ctx of [a, b, anonA, anonB]) await ctx.dispose();
});

type Stats = {
  pageCache: { hits: number; misses: number; errors: number; renders: number };
  frontCache: { hits: number; stale: number; trusted: boolean };
  coherence: { instance: string; trusted: boolean; subscriptions: number };
  items: number;
  backend: string;
};
async function stats(ctx: APIRequestContext): Promise<Stats> {
  return (await ctx.get("/api/cache/stats")).json();
}

async function save(ctx: APIRequestContext, title: string, markdown: string, baseRevisionId: number | null) {
  const res = await ctx.put(`/api/pages/${slugPath(title)}`, { data: { markdown, baseRevisionId } });
  expect([200, 201], await res.text()).toContain(res.status());
  return (await res.json()).revision as { id: number; number: number };
}

async function servedRevision(ctx: APIRequestContext, title: string): Promise<number> {
  const res = await ctx.get(`/wiki/${slugPath(title)}`);
  expect(res.status()).toBe(200);
  return Number(res.headers()["x-revision-id"]);
}

/** Kill memcached outright, as a crash would (SIGTERM waits for clients to hang up, and ours keep connections open). */
async function stopMemcached() {
  const pid = Number(readFileSync(PIDFILE, "utf8"));
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
  for (let i = 0; i < 100 && (await probeMemcached("127.0.0.1", MC_PORT)); i++) await new Promise((r) => setTimeout(r, 50));
}

async function startMemcachedAgain() {
  const mc = await startMemcached({ port: MC_PORT });
  writeFileSync(PIDFILE, String(mc.pid)); // npm test's cleanup stops whichever pid is here
}

function flushMemcached(): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(MC_PORT, "127.0.0.1", () => s.write("flush_all\r\n"));
    s.on("data", () => {
      s.destroy();
      resolve();
    });
    s.on("error", reject);
  });
}

test("read-your-writes across instances: after a save returns, the other instance shows that revision", async () => {
  const title = newTitle("Ryw");
  let rev = await save(a, title, "v0\n", null);
  for (let i = 1; i <= 15; i++) {
    const [writer, reader] = i % 2 ? [a, b] : [b, a];
    expect(await servedRevision(reader, title)).toBe(rev.id); // warm the reader's cache with the old revision
    rev = await save(writer, title, `v${i}\n`, rev.id);
    expect(await servedRevision(reader, title)).toBe(rev.id);
    const api = await (await reader.get(`/api/pages/${slugPath(title)}`)).json();
    expect(api.markdown).toBe(`v${i}\n`);
  }
});

test("blame is never stale on either instance: after a save or revert on one, the other's blame (page and API) names it", async () => {
  const title = newTitle("Blame across");
  let rev = await save(a, title, "first line\n", null);
  const firstId = rev.id;
  for (let i = 1; i <= 6; i++) {
    const [writer, reader] = i % 2 ? [a, b] : [b, a];
    for (const ctx of [reader, i % 2 ? anonB : anonA]) {
      // kept by the front cache for readers of each kind before the change...
      expect((await (await ctx.get(`/api/blame/${slugPath(title)}`)).json()).revision.id).toBe(rev.id);
      expect(await (await ctx.get(`/blame/${slugPath(title)}`)).text()).toContain(`#${rev.number}`);
    }
    rev = i === 6
      ? ((await (await writer.post(`/api/revert/${slugPath(title)}`, { data: { revisionId: firstId } })).json()).revision as { id: number; number: number })
      : await save(writer, title, `first line\nline ${i}\n`, rev.id);
    // ...and current after it, on the other instance
    for (const ctx of [reader, i % 2 ? anonB : anonA]) {
      const blame = (await (await ctx.get(`/api/blame/${slugPath(title)}`)).json()) as { revision: { id: number }; lines: { text: string; revision: { id: number } }[] };
      expect(blame.revision.id).toBe(rev.id);
      if (i < 6) expect(blame.lines.find((l) => l.text === `line ${i}`)?.revision.id).toBe(rev.id);
      else expect(blame.lines.every((l) => l.revision.id === firstId)).toBe(true); // a revert gives the lines back
    }
  }
});

test("signed-out views come from the front cache and are never stale after an edit on the other instance", async () => {
  const title = newTitle("Front");
  let rev = await save(a, title, "first\n", null);
  for (let i = 1; i <= 6; i++) {
    const reader = i % 2 ? anonB : anonA;
    const statsCtx = i % 2 ? b : a;
    expect(await servedRevision(reader, title)).toBe(rev.id);
    const before = (await stats(statsCtx)).frontCache.hits;
    expect(await servedRevision(reader, title)).toBe(rev.id);
    expect((await stats(statsCtx)).frontCache.hits).toBe(before + 1);
    rev = await save(i % 2 ? a : b, title, `edit ${i}\n`, rev.id);
    const fresh = await reader.get(`/wiki/${slugPath(title)}`);
    expect(Number(fresh.headers()["x-revision-id"])).toBe(rev.id);
    expect(await fresh.text()).toContain(`edit ${i}`);
  }
  // revalidation: 304 while current (front cache and Next.js alike), a new document once edited
  for (const [reader, signedIn] of [[anonA, b], [a, b]] as const) {
    const first = await reader.get(`/wiki/${slugPath(title)}`);
    const etag = first.headers()["etag"]!;
    expect(etag).toBeTruthy();
    const again = await reader.get(`/wiki/${slugPath(title)}`, { headers: { "If-None-Match": etag } });
    expect(again.status()).toBe(304);
    expect(again.headers()["x-revision-id"]).toBe(String(rev.id));
    rev = await save(signedIn, title, `edit after ${etag}\n`, rev.id);
    const changed = await reader.get(`/wiki/${slugPath(title)}`, { headers: { "If-None-Match": etag } });
    expect(changed.status()).toBe(200);
    expect(changed.headers()["etag"]).not.toBe(etag);
  }
  // a signed-in reader never gets the signed-out document
  const mine = await (await a.get(`/wiki/${slugPath(title)}`)).text();
  expect(mine).toContain('href="/signout"');
  expect(mine).not.toContain(">Sign in</a>");
  const anonymous = await (await anonA.get(`/wiki/${slugPath(title)}`)).text();
  expect(anonymous).toContain(">Sign in</a>");
  expect(anonymous).not.toContain('href="/signout"');
});

test("an instance whose subscription to notices is cut never serves a stale page: it asks PostgreSQL until it is back", async () => {
  const title = newTitle("Cut");
  let rev = await save(a, title, "before the cut\n", null);
  for (let i = 0; i < 2; i++) expect(await servedRevision(anonB, title)).toBe(rev.id); // kept by B
  const { instance, subscriptions } = (await stats(b)).coherence;
  await sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [`vellum-coherence ${instance}`]);
  await expect.poll(async () => (await stats(b)).coherence.trusted, { timeout: 5000 }).toBe(false);
  // edits on A while B hears nothing: B's kept document is checked against PostgreSQL on every view
  for (let i = 1; i <= 3; i++) {
    rev = await save(a, title, `during the cut ${i}\n`, rev.id);
    expect(await servedRevision(anonB, title)).toBe(rev.id);
  }
  // back within seconds, with nothing kept from before
  await expect.poll(async () => (await stats(b)).coherence.subscriptions, { timeout: 10_000 }).toBeGreaterThan(subscriptions);
  await expect.poll(async () => (await stats(b)).coherence.trusted, { timeout: 10_000 }).toBe(true);
  rev = await save(a, title, "after the cut\n", rev.id);
  for (let i = 0; i < 2; i++) expect(await servedRevision(anonB, title)).toBe(rev.id);
});

test("a burst of views of a cold page on both instances renders it about once", async () => {
  const title = newTitle("Burst");
  await save(a, title, "# Burst\n\n" + "Some words to render. ".repeat(1000), null);
  // the save warmed A's document and memcached's copy of the view: empty memcached, so B's views start cold
  await flushMemcached();
  const before = (await stats(a)).pageCache.renders + (await stats(b)).pageCache.renders;
  const views = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).get(`/wiki/${slugPath(title)}`)));
  expect(views.every((v) => v.status() === 200)).toBe(true);
  const after = (await stats(a)).pageCache.renders + (await stats(b)).pageCache.renders;
  expect(after - before).toBeGreaterThanOrEqual(1);
  expect(after - before).toBeLessThanOrEqual(2);
});

test("memcached down: pages are served and saved without errors; when it returns the cache refills, no restart", async () => {
  const title = newTitle("Down");
  let rev = await save(a, title, "before outage\n", null);
  await servedRevision(a, title);
  await stopMemcached();
  try {
    expect((await (await a.get("/api/health")).json()).cache).toBe("down");
    for (const ctx of [a, b, a, b]) expect(await servedRevision(ctx, title)).toBe(rev.id);
    rev = await save(b, title, "during outage\n", rev.id);
    for (const ctx of [a, b]) expect(await servedRevision(ctx, title)).toBe(rev.id);
    expect((await stats(a)).pageCache.errors).toBeGreaterThan(0);
  } finally {
    await startMemcachedAgain();
  }
  expect((await (await a.get("/api/health")).json()).cache).toBe("up");
  // a new revision: neither instance holds its document yet, so both views go to the page cache; the second
  // finds what the first rendered (the front cache in each instance would answer any later view)
  rev = await save(a, title, "after outage\n", rev.id);
  const pageHits = async () => (await stats(a)).pageCache.hits + (await stats(b)).pageCache.hits;
  const hitsBefore = await pageHits();
  for (const ctx of [a, b]) expect(await servedRevision(ctx, title)).toBe(rev.id);
  expect(await pageHits()).toBeGreaterThan(hitsBefore);
  expect((await stats(a)).items).toBeGreaterThan(0);
});

test("stress: concurrent editors and readers while memcached is flushed and restarted; afterwards every page is current", async () => {
  test.setTimeout(120_000);
  const titles = Array.from({ length: 6 }, () => newTitle("Stress"));
  const latest = new Map<string, number>();
  for (const t of titles) latest.set(t, (await save(a, t, "start\n", null)).id);
  const deadline = Date.now() + 8_000;
  const failures: string[] = [];

  const editor = async (ctx: APIRequestContext, other: APIRequestContext, n: number) => {
    let i = 0;
    while (Date.now() < deadline) {
      const t = titles[(n + i++) % titles.length]!;
      const base = latest.get(t)!;
      const res = await ctx.put(`/api/pages/${slugPath(t)}`, { data: { markdown: `editor ${n} edit ${i}\n`, baseRevisionId: base } });
      if (res.status() === 409) {
        latest.set(t, Math.max(latest.get(t)!, (await res.json()).error.current.revisionId));
        continue;
      }
      if (res.status() !== 200) {
        failures.push(`save ${res.status()}`);
        continue;
      }
      const saved = (await res.json()).revision.id as number;
      latest.set(t, Math.max(latest.get(t)!, saved));
      for (const reader of [other, other === a ? anonA : anonB]) {
        const seen = Number((await reader.get(`/wiki/${slugPath(t)}`)).headers()["x-revision-id"]);
        if (seen < saved) failures.push(`after saving ${saved} the other instance served ${seen}`);
      }
    }
  };
  const reader = async (ctx: APIRequestContext) => {
    while (Date.now() < deadline) {
      const t = titles[Math.floor(Math.random() * titles.length)]!;
      const res = await ctx.get(`/wiki/${slugPath(t)}`);
      if (res.status() !== 200) failures.push(`view ${res.status()}`);
    }
  };
  const step = <T>(name: string, p: Promise<T>) =>
    Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${name} took over 15 s`)), 15_000))]);
  const chaos = async () => {
    await new Promise((r) => setTimeout(r, 2_000));
    await step("flushing memcached", flushMemcached());
    await new Promise((r) => setTimeout(r, 2_000));
    await step("stopping memcached", stopMemcached());
    await new Promise((r) => setTimeout(r, 1_000));
    await step("starting memcached", startMemcachedAgain());
  };
  await Promise.all([editor(a, b, 0), editor(b, a, 1), editor(a, b, 2), reader(a), reader(b), reader(anonA), reader(anonB), chaos()]);
  expect(failures).toEqual([]);

  for (const t of titles) {
    const rows = await sql("SELECT latest_revision_id FROM pages WHERE title = $1", [t]);
    const truth = rows[0].latest_revision_id as number;
    for (const ctx of [a, b, anonA, anonB]) {
      expect(await servedRevision(ctx, t), t).toBe(truth);
      const api = await ctx.get(`/api/pages/${slugPath(t)}`);
      expect(Number(api.headers()["x-revision-id"])).toBe(truth);
    }
  }
});

test("edit a page in the browser, reload it from the second instance: the new text shows at once", async ({ page }) => {
  await signUpInBrowser(page);
  const title = newTitle("Two instances");
  await saveInEditor(page, title, "first text\n", "first text");
  await page.goto(`${B}/wiki/${slugPath(title)}`);
  await expect(page.locator("article")).toContainText("first text");

  await saveInEditor(page, title, "second text\n", "second text");
  await page.goto(`${B}/wiki/${slugPath(title)}`);
  await expect(page.locator("article")).toContainText("second text");
  await expect(page.locator("article")).not.toContainText("first text");
});
