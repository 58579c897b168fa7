// `npm run bench`: page-view throughput beside nginx serving the article as a file (the yardstick, bench/nginx.mjs),
// with the page cache on and off, signed in and out, the history page, the
// first view after an edit, how the hit path's cost grows with the number of pages and of revisions, signing in
// (bench/sign-in.mjs), the editor in Chromium (bench/editor.mjs) and files (bench/files.mjs). Not part of `npm test`.
// Writes a table to stdout and JSON to bench/results/. Uses its own PostgreSQL cluster (.data/bench),
// memcached and four app instances on ports 3200-3203: everything on; cache off; 2 workers; front cache off.
import "../scripts/lib/env.mjs"; // an empty variable is an unset one
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { ROOT, DATA, say, ensureDependencies, ensurePrismaClient, ensureBuild } from "../scripts/lib/setup.mjs";
import { startEmbeddedPostgres, createDatabaseIfMissing, dropDatabase } from "../scripts/lib/postgres.mjs";
import { migrate } from "../scripts/lib/migrate.mjs";
import { startApp } from "../scripts/lib/app.mjs";
import { startMemcached } from "../scripts/lib/memcached.mjs";
import { benchArticle } from "./article.mjs";
import { benchFiles } from "./files.mjs";
import { benchDirectory, benchSignIn } from "./sign-in.mjs";
import { benchEditor, longPage } from "./editor.mjs";
import { startNginx } from "./nginx.mjs";
import { ensureWrk, wrk } from "./wrk.mjs";
import { RENDERER_VERSION } from "../lib/markdown/render.js";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 32;
const cleanups = [];
const cleanup = async () => {
  while (cleanups.length) await cleanups.pop()().catch(() => {});
};
process.on("SIGINT", () => cleanup().then(() => process.exit(130)));

/** One bench instance: the same start as npm start's, with a fixed secret and its URL. */
function startBenchApp(port, env) {
  return startApp({
    port,
    cleanups,
    stdio: ["ignore", "ignore", "inherit"],
    env: { NEXTAUTH_SECRET: "bench-secret-0123456789abcdef", NEXTAUTH_URL: `http://localhost:${port}`, ...env },
  });
}

/** `CONNECTIONS` connections of wrk for DURATION seconds, after two seconds of warm-up; each result is shown as it comes. */
async function load(url, headers = {}) {
  wrk(url, { headers, connections: CONNECTIONS, seconds: 2 }); // warm-up
  const r = wrk(url, { headers, connections: CONNECTIONS, seconds: DURATION });
  say(`${url}${headers.cookie ? " (signed in)" : ""}: ${r.requestsPerSecond} requests/s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms, ${r.errors} errors`);
  return r;
}

/**
 * The bench's own requests, tried again (up to four times) when the connection fails: right after a load run the
 * server may still be closing the load generator's connections, and a write answers EPIPE.
 * @param {string} url @param {RequestInit} [init]
 */
async function fetch(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await globalThis.fetch(url, init);
    } catch (e) {
      if (attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

/** Sign up (the first account, from this machine: an admin; later ones editors) and sign in through next-auth; returns the session cookie. */
async function signedInCookie(base, username = "bench_admin") {
  const password = "bench password 123";
  await fetch(`${base}/api/accounts`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: base },
    body: JSON.stringify({ username, email: `${username}@example.test`, password }),
  });
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = await csrf.json();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, username, password, json: "true" }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("next-auth.session-token"));
  if (!session) throw new Error(`bench sign-in failed (${res.status})`);
  return session;
}

/** Median latency of `n` sequential requests, in milliseconds. */
async function sequentialLatency(url, n = 200) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((x, y) => x - y);
  return { p50ms: +times[Math.floor(n / 2)].toFixed(2), p99ms: +times[Math.floor(n * 0.99)].toFixed(2) };
}

async function timeOne(url, headers = {}) {
  const t = process.hrtime.bigint();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return +(Number(process.hrtime.bigint() - t) / 1e6).toFixed(2);
}

/** Append a revision as a save would (the save path is not what is measured here). */
async function addRevision(db, pageId, markdown) {
  await db.query("BEGIN");
  const { rows } = await db.query("SELECT latest_revision_id AS id, (SELECT number FROM revisions WHERE id = latest_revision_id) AS number FROM pages WHERE id = $1 FOR UPDATE", [pageId]);
  const { rows: ins } = await db.query(
    "INSERT INTO revisions (page_id, number, parent_id, author_id, summary, markdown, size) VALUES ($1, $2, $3, NULL, 'bench', $4, $5) RETURNING id",
    [pageId, (rows[0].number ?? 0) + 1, rows[0].id, markdown, Buffer.byteLength(markdown)],
  );
  await db.query("UPDATE pages SET latest_revision_id = $1 WHERE id = $2", [ins[0].id, pageId]);
  await db.query("COMMIT");
  return ins[0].id;
}

async function createPage(db, title, markdown) {
  const { rows } = await db.query("INSERT INTO pages (title) VALUES ($1) RETURNING id", [title]);
  await addRevision(db, rows[0].id, markdown);
  return rows[0].id;
}

/** Bulk pages (small text) up to `total`, in one statement per batch. */
async function growPagesTo(db, total) {
  const { rows } = await db.query("SELECT count(*)::int AS n FROM pages");
  let n = rows[0].n;
  while (n < total) {
    const batch = Math.min(20_000, total - n);
    // separate statements: the parts of one WITH statement do not see each other's rows
    await db.query("INSERT INTO pages (title, links_renderer) SELECT 'Filler ' || g, $3 FROM generate_series($1::int, $2::int) g", [n + 1, n + batch, RENDERER_VERSION]);
    await db.query(`INSERT INTO revisions (page_id, number, kind, summary, markdown, size)
      SELECT id, 1, 'create', 'filler', '# ' || title || E'\\n\\nFiller text.', 30 FROM pages WHERE latest_revision_id IS NULL AND title LIKE 'Filler %'`);
    await db.query(`UPDATE pages SET latest_revision_id = r.id FROM revisions r
      WHERE r.page_id = pages.id AND pages.latest_revision_id IS NULL AND pages.title LIKE 'Filler %'`);
    n += batch;
  }
}

/** A signed-in save through the API; its wall time in milliseconds. */
async function timedSave(base, cookie, title, markdown, baseRevisionId) {
  const t = process.hrtime.bigint();
  const res = await fetch(`${base}/api/pages/${encodeURIComponent(title.replaceAll(" ", "_"))}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json", Origin: base, cookie },
    body: JSON.stringify({ markdown, baseRevisionId }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`save of ${title}: ${res.status} ${JSON.stringify(body)}`);
  return { ms: +(Number(process.hrtime.bigint() - t) / 1e6).toFixed(1), revisionId: body.revision.id };
}

/**
 * Saving pages with 1,000 links, and creating (then deleting) a page that 10,000 pages link to: the save's time,
 * and what a view of one of the linking pages costs before and after (its link changes colour).
 */
async function benchLinks(db, base, cookie) {
  const out = {};
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const creates = [];
  const edits = [];
  for (let i = 0; i < 3; i++) {
    const links = Array.from({ length: 1000 }, (_, j) => `[[Link target ${i}-${j}]]`).join(" ");
    const made = await timedSave(base, cookie, `Thousand Links ${i}`, `${links}\n`, null);
    creates.push(made.ms);
    edits.push((await timedSave(base, cookie, `Thousand Links ${i}`, `Edited.\n\n${links}\n`, made.revisionId)).ms);
  }
  out["save creating a page with 1,000 links (median of 3)"] = median(creates);
  out["save editing a page with 1,000 links (median of 3)"] = median(edits);

  // 10,000 pages linking to "Popular", seeded as saves would have left them (links rows, links read)
  // (separate statements: the parts of one WITH statement do not see each other's rows)
  await db.query("INSERT INTO pages (title, links_renderer) SELECT 'Fan ' || g, $1 FROM generate_series(1, 10000) g", [RENDERER_VERSION]);
  await db.query(`INSERT INTO revisions (page_id, number, kind, summary, markdown, size)
    SELECT id, 1, 'create', 'fan', E'Points at [[Popular]].\\n', 24 FROM pages WHERE title LIKE 'Fan %'`);
  await db.query("UPDATE pages SET latest_revision_id = r.id FROM revisions r WHERE r.page_id = pages.id AND pages.title LIKE 'Fan %'");
  await db.query("INSERT INTO links (source_id, target) SELECT id, 'Popular' FROM pages WHERE title LIKE 'Fan %'");
  await db.query("ANALYZE");
  const fan = `${base}/wiki/Fan_5000`;
  await timeOne(fan);
  out["view of a linking page before (front cache hit, p50)"] = (await sequentialLatency(fan)).p50ms;
  out["create the page 10,000 pages link to"] = (await timedSave(base, cookie, "Popular", "Wanted by many.\n", null)).ms;
  out["first view of a linking page after (recoloured)"] = await timeOne(fan);
  out["view of a linking page after (front cache hit, p50)"] = (await sequentialLatency(fan)).p50ms;
  const blue = (await (await fetch(fan)).text()).includes('href="/wiki/Popular"');
  if (!blue) throw new Error("the linking page did not turn blue");
  const t = process.hrtime.bigint();
  const del = await fetch(`${base}/api/pages/Popular`, { method: "DELETE", headers: { "Content-Type": "application/json", Origin: base, cookie }, body: "{}" });
  if (!del.ok) throw new Error(`delete: ${del.status}`);
  out["delete the page 10,000 pages link to"] = +(Number(process.hrtime.bigint() - t) / 1e6).toFixed(1);
  return out;
}

/** The Atom feeds, at 32 connections. */
async function benchFeeds(base) {
  return {
    "/recent-changes.atom (memcached hit)": await load(`${base}/recent-changes.atom`),
    "/feed/{slug} of one page (memcached hit)": await load(`${base}/feed/Bench_Article`),
  };
}

const WORDS = ("river mountain garden history science music painting engine library window harbour bridge castle " +
  "forest island market theatre railway lantern compass glacier meadow orchard quarry violin telescope").split(" ");

/** 10,000 pages of varied text (as saves would index them), then queries of several kinds, each 50 times. */
async function benchSearch(db, base) {
  await db.query(`
    INSERT INTO pages (title, links_renderer)
    SELECT 'Corpus ' || g || ' ' || ($1::text[])[1 + g % 26] || ' ' || ($1::text[])[1 + (g / 26) % 26], $2
    FROM generate_series(1, 10000) g`, [WORDS, RENDERER_VERSION]);
  await db.query(`INSERT INTO revisions (page_id, number, kind, summary, markdown, size)
    SELECT p.id, 1, 'create', 'corpus', t.text, length(t.text) FROM pages p,
      LATERAL (SELECT string_agg(($1::text[])[1 + ((p.id * 7 + i * 13) % 26)], ' ') || E'.\n' AS text FROM generate_series(1, 300) i) t
    WHERE p.title LIKE 'Corpus %'`, [WORDS]);
  // as a save indexes them (lib/wiki/search-index.ts): the reader text, the vector of its lower-case words, and
  // the words in the spelling dictionary (these are plain lower-case ASCII words already)
  await db.query(`UPDATE pages SET latest_revision_id = r.id, search_text = r.markdown,
      search_words = tsvector_to_array(to_tsvector('simple', lower(pages.title) || ' ' || r.markdown)),
      search_vector = vellum_search_vector(lower(pages.title), r.markdown)
    FROM revisions r WHERE r.page_id = pages.id AND pages.title LIKE 'Corpus %'`);
  await db.query(`INSERT INTO search_words (word, key, pages)
    SELECT w, w, count(*) FROM pages, unnest(search_words) w WHERE title LIKE 'Corpus %' AND w !~ '^[0-9]+$' GROUP BY w
    ON CONFLICT (word) DO UPDATE SET pages = search_words.pages + excluded.pages`);
  await db.query("ANALYZE");
  const queries = {
    "one common word": "garden",
    "two words": "violin harbour",
    "a stem (gardens)": "gardens",
    "a title substring": "Corpus 4242",
    "a typo (telescpoe)": "telescpoe",
    "a phrase with operators": '"river mountain" -castle',
    "no match": "zyxwvut",
    "500 characters of common words (78 words)": Array.from({ length: 78 }, (_, i) => WORDS[i % WORDS.length]).join(" ").slice(0, 500),
  };
  const out = {};
  for (const [name, q] of Object.entries(queries)) out[name] = await sequentialLatency(`${base}/api/search?q=${encodeURIComponent(q)}`, 50);
  return out;
}

const results = { date: new Date().toISOString(), machine: { cpus: (await import("node:os")).cpus().length }, connections: CONNECTIONS, durationSeconds: DURATION };
try {
  ensureDependencies();
  ensurePrismaClient();
  ensureBuild();
  if (!ensureWrk()) throw new Error("the bench needs wrk (apt-get install wrk)");
  const server = await startEmbeddedPostgres({ dir: path.join(DATA, "bench"), port: Number(process.env.VELLUM_BENCH_PG_PORT ?? 54349), database: "postgres" });
  cleanups.push(server.stop);
  const url = new URL(server.url);
  url.pathname = "/vellum_bench";
  await dropDatabase(url.toString());
  await createDatabaseIfMissing(url.toString());
  await migrate(url.toString());
  const mc = await startMemcached({ port: 11431 });
  cleanups.push(mc.stop);
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  cleanups.push(() => db.end());

  const article = benchArticle();
  const articleId = await createPage(db, "Bench Article", article);
  results.article = { markdownBytes: Buffer.byteLength(article) };
  say(`seeded a ${Buffer.byteLength(article)}-byte article; starting four app instances (3200-3203)`);
  const env = { DATABASE_URL: url.toString(), MEMCACHE_SERVERS: mc.servers };
  // the first instance also signs people in through a directory (decision 0030), when slapd is installed
  const directory = await benchDirectory(cleanups);
  // uploads as fast as the bench makes them
  const app = await startBenchApp(3200, { ...env, ...directory, UPLOAD_RATE_PER_MINUTE: "10000" });
  await startBenchApp(3201, { ...env, PAGE_CACHE: "off" });
  await startBenchApp(3202, { ...env, WEB_CONCURRENCY: "2" });
  await startBenchApp(3203, { ...env, FRONT_CACHE: "off" });
  const on = "http://127.0.0.1:3200";
  const off = "http://127.0.0.1:3201";

  say(`page views, ${CONNECTIONS} connections, ${DURATION} s each`);
  // the yardstick: nginx serving the signed-out article's document as a file
  const nginx = await startNginx({ "article.html": Buffer.from(await (await fetch(`${on}/wiki/Bench_Article`)).arrayBuffer()) });
  const yardstick = nginx ? { "nginx, the article as a file": await load(`${nginx.base}/article.html`) } : {};
  await nginx?.stop();
  const cookie = await signedInCookie(on);
  // the views of issue 17, each on a hit (the first request of each fills what it reads)
  const oldRevisionId = (await db.query("SELECT min(id) AS id FROM revisions WHERE page_id = $1", [articleId])).rows[0].id;
  await timedSave(on, cookie, "Bench Article", `${article}\n\nAn edit, for a diff and recent changes.\n`, (await db.query("SELECT latest_revision_id AS id FROM pages WHERE id = $1", [articleId])).rows[0].id);
  const latestId = (await db.query("SELECT latest_revision_id AS id FROM pages WHERE id = $1", [articleId])).rows[0].id;
  await fetch(`${on}/api/talk/Bench_Article`, { method: "POST", headers: { "Content-Type": "application/json", Origin: on, cookie }, body: JSON.stringify({ content: "A comment for the bench." }) });
  // a private space (decision 0029): the same article kept to a group, read by one of its members (an editor)
  const insider = await signedInCookie(on, "bench_insider");
  const adminCall = (method, path, body) =>
    fetch(`${on}${path}`, { method, headers: { "Content-Type": "application/json", Origin: on, cookie }, body: body === undefined ? undefined : JSON.stringify(body) });
  await adminCall("POST", "/api/admin/groups", { name: "bench_team" });
  await adminCall("PUT", "/api/admin/groups/bench_team/members/bench_insider");
  const space = await adminCall("PUT", "/api/admin/spaces/Bench_Space", { read: ["group:bench_team"], edit: ["group:bench_team"] });
  if (!space.ok) throw new Error(`bench space: ${space.status}`);
  await timedSave(on, insider, "Bench Space/Article", article, null);
  results.views = {
    ...yardstick,
    "/wiki signed out (front cache)": await load(`${on}/wiki/Bench_Article`),
    "/wiki signed in (front cache, filled in for the reader)": await load(`${on}/wiki/Bench_Article`, { cookie }),
    "/wiki private, a member of its space (front cache, the audience's document)": await load(`${on}/wiki/Bench_Space/Article`, { cookie: insider }),
    "/wiki through Next.js (front cache off: memcached page cache)": await load(`http://127.0.0.1:3203/wiki/Bench_Article`),
    "/wiki cache off (PostgreSQL every view, kept HTML)": await load(`${off}/wiki/Bench_Article`),
    "/wiki signed out, 2 workers": await load(`http://127.0.0.1:3202/wiki/Bench_Article`),
    "GET /api/pages/{slug}": await load(`${on}/api/pages/Bench_Article`),
    "GET /api/history/{slug}": await load(`${on}/api/history/Bench_Article`),
    "GET /api/revisions/{id}": await load(`${on}/api/revisions/${oldRevisionId}`),
    "/talk signed out": await load(`${on}/talk/Bench_Article`),
    "/search results page": await load(`${on}/search?q=${encodeURIComponent("bench article")}`),
    "/history signed out": await load(`${on}/history/Bench_Article`),
    "/history signed in": await load(`${on}/history/Bench_Article`, { cookie }),
    "/recent-changes signed out": await load(`${on}/recent-changes`),
    "/recent-changes signed in": await load(`${on}/recent-changes`, { cookie }),
    "/revision/{id} (an old revision)": await load(`${on}/revision/${oldRevisionId}`),
    "/diff of two revisions": await load(`${on}/diff?from=${oldRevisionId}&to=${latestId}`),
    "/pages (all pages)": await load(`${on}/pages`),
    "/wanted": await load(`${on}/wanted`),
    "/backlinks/{slug}": await load(`${on}/backlinks/Bench_Article`),
    "/users/{name} (a profile)": await load(`${on}/users/bench_admin`),
  };
  const htmlBytes = (await (await fetch(`${on}/wiki/Bench_Article`)).text()).length;
  results.article.htmlBytes = htmlBytes;

  say("first view after an edit (5 saves through the API, median): on the saving instance and on another");
  const firsts = [];
  const elsewhere = [];
  const hits = [];
  let base = latestId;
  for (let i = 0; i < 5; i++) {
    base = (await timedSave(on, cookie, "Bench Article", `${article}\n\nEdit ${i}.\n`, base)).revisionId;
    firsts.push(await timeOne(`${on}/wiki/Bench_Article`));
    elsewhere.push(await timeOne(`http://127.0.0.1:3202/wiki/Bench_Article`));
    hits.push(await timeOne(`${on}/wiki/Bench_Article`));
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  results.firstViewAfterEditMs = { firstView: median(firsts), firstViewOtherInstance: median(elsewhere), nextView: median(hits) };

  say("the first views after an instance starts (a new instance on port 3204)");
  const fresh = await startBenchApp(3204, env);
  const startViews = [];
  for (let i = 0; i < 10; i++) startViews.push(await timeOne(`http://127.0.0.1:3204/wiki/Bench_Article`));
  const startHistory = [];
  for (let i = 0; i < 10; i++) startHistory.push(await timeOne(`http://127.0.0.1:3204/history/Bench_Article`, { cookie }));
  results.afterStartMs = { article: { first: startViews[0], tenth: startViews[9] }, historySignedIn: { first: startHistory[0], tenth: startHistory[9] } };
  fresh.kill("SIGTERM");

  say("hit-path latency as the wiki grows");
  results.growth = {};
  for (const total of [10, 1_000, 100_000]) {
    await growPagesTo(db, total);
    await db.query("ANALYZE");
    results.growth[`${total} pages: front cache`] = await sequentialLatency(`${on}/wiki/Bench_Article`);
    results.growth[`${total} pages: memcached page cache`] = await sequentialLatency(`http://127.0.0.1:3203/wiki/Bench_Article`);
  }
  const manyId = await createPage(db, "Many Revisions", "# Many revisions\n\nrevision 1\n");
  await db.query(`
    DO $$ DECLARE prev int; BEGIN
      SELECT latest_revision_id INTO prev FROM pages WHERE id = ${manyId};
      FOR i IN 2..10000 LOOP
        INSERT INTO revisions (page_id, number, parent_id, summary, markdown, size)
          VALUES (${manyId}, i, prev, 'edit ' || i, '# Many revisions' || E'\\n\\nrevision ' || i, 30) RETURNING id INTO prev;
      END LOOP;
      UPDATE pages SET latest_revision_id = prev WHERE id = ${manyId};
    END $$`);
  await db.query("ANALYZE");
  results.growth["page with 10,000 revisions: view, front cache"] = await sequentialLatency(`${on}/wiki/Many_Revisions`);
  results.growth["page with 10,000 revisions: view, memcached page cache"] = await sequentialLatency(`http://127.0.0.1:3203/wiki/Many_Revisions`);
  results.growth["page with 10,000 revisions: /api/history (newest 50)"] = await sequentialLatency(`${on}/api/history/Many_Revisions`, 100);
  results.growth["page with 10,000 revisions: /api/history (oldest 50)"] = await sequentialLatency(`${on}/api/history/Many_Revisions?before=51`, 100);
  results.growth["page with 10,000 revisions: /history page"] = await sequentialLatency(`${on}/history/Many_Revisions`, 50);

  say("the link graph: saves with many links, a page that 10,000 pages link to");
  results.links = await benchLinks(db, on, cookie);

  say("finding: search over 10,000 pages, and the feeds on a cache hit");
  Object.assign(results.views, await benchFeeds(on));
  // on the instance without the front cache: a repeated query would otherwise be a kept document, not a search
  results.search = await benchSearch(db, "http://127.0.0.1:3203");

  say(`signing in: one at a time, with a Vellum password${directory ? " and through the directory" : " (no slapd: no directory)"}; the sign-in page`);
  results.signIn = await benchSignIn({ fetch, base: on, directory });
  results.views["/signin page (a React page: password, directory and email forms)"] = await load(`${on}/signin`);

  say("the editor in Chromium: the article's script, the editor's first load, typing in a 5,000-line page");
  await createPage(db, "Bench Long Page", longPage());
  results.editor = await benchEditor({ base: on, cookie, title: "Bench_Article", longTitle: "Bench_Long_Page" });

  say("files: an image by its immutable URL, display sizes, a 100 MiB upload's memory, a page showing 50 images");
  const files = await benchFiles({ base: on, cookie, app, db, load, timeOne, sequentialLatency });
  Object.assign(results.views, files.views);
  results.files = files.rows;

  // report
  const v = results.views;
  const front = v["/wiki signed out (front cache)"].requestsPerSecond;
  const memcachedHit = v["/wiki through Next.js (front cache off: memcached page cache)"].requestsPerSecond;
  const cacheOff = v["/wiki cache off (PostgreSQL every view, kept HTML)"].requestsPerSecond;
  const staticRate = v["nginx, the article as a file"]?.requestsPerSecond ?? 0;
  const lines = [
    `Vellum bench, ${results.date}, ${results.machine.cpus} cores; article ${results.article.markdownBytes} B Markdown, ${htmlBytes} B HTML`,
    "",
    "| request | requests/s | share of nginx static | p50 ms | p99 ms | errors | bytes/response |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...Object.entries(v).map(([k, r]) => {
      const share = staticRate ? `${((100 * r.requestsPerSecond) / staticRate).toFixed(1)}%` : "";
      return `| ${k} | ${r.requestsPerSecond} | ${share} | ${r.p50ms} | ${r.p99ms} | ${r.errors} | ${r.bytesPerResponse} |`;
    }),
    "",
    `/wiki: front cache hit ${(front / cacheOff).toFixed(1)}x and memcached page-cache hit ${(memcachedHit / cacheOff).toFixed(1)}x the cache-off rate; front cache vs MediaWiki's ~59 requests/s: ${(front / 59).toFixed(1)}x`,
    `first view after an edit: ${results.firstViewAfterEditMs.firstView} ms on the saving instance, ${results.firstViewAfterEditMs.firstViewOtherInstance} ms on another (next view ${results.firstViewAfterEditMs.nextView} ms)`,
    `after an instance starts: article first ${results.afterStartMs.article.first} ms, tenth ${results.afterStartMs.article.tenth} ms; history signed in first ${results.afterStartMs.historySignedIn.first} ms, tenth ${results.afterStartMs.historySignedIn.tenth} ms`,
    "",
    "| hit path, sequential | p50 ms | p99 ms |",
    "|---|---:|---:|",
    ...Object.entries(results.growth).map(([k, r]) => `| ${k} | ${r.p50ms} | ${r.p99ms} |`),
    "",
    "| search over 10,000 pages (sequential) | p50 ms | p99 ms |",
    "|---|---:|---:|",
    ...Object.entries(results.search).map(([k, r]) => `| ${k} | ${r.p50ms} | ${r.p99ms} |`),
    "",
    "| link graph | ms |",
    "|---|---:|",
    ...Object.entries(results.links).map(([k, ms]) => `| ${k} | ${ms} |`),
    "",
    "| sign-in, sequential | p50 ms | p90 ms |",
    "|---|---:|---:|",
    ...Object.entries(results.signIn).map(([k, r]) => `| ${k} | ${r.p50ms} | ${r.p90ms} |`),
    "",
    "| the editor (Chromium) | value |",
    "|---|---:|",
    ...Object.entries(results.editor ?? { "skipped: no Chromium": "" }).map(([k, value]) => `| ${k} | ${value} |`),
    "",
    "| files | value |",
    "|---|---:|",
    ...Object.entries(results.files).map(([k, value]) => `| ${k} | ${value} |`),
  ];
  console.log("\n" + lines.join("\n") + "\n");
  mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  const file = path.join(ROOT, "bench/results", `bench-${results.date.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  writeFileSync(path.join(ROOT, "bench/results/latest.json"), JSON.stringify(results, null, 2));
  say(`results written to ${path.relative(ROOT, file)}`);
} catch (e) {
  console.error("[vellum] bench failed:", e);
  process.exitCode = 1;
} finally {
  await cleanup();
}
