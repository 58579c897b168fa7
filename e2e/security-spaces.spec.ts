import { test, expect, request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { INSTANCE_A, INSTANCE_B, createAccount, hostileInputs, makeAdmin, newUsername, signInApi, slugPath, sql, verifyAddress } from "./fixtures";

// The security suite's private spaces (decision 0029): a marker planted in a private page's title, text, summary,
// comment and file, every cache warmed by an insider on both instances, and then no outsider, signed in or not, on
// either instance finds it anywhere; again after a revocation, and an insider finds it again after a grant. With
// the peers' leaks as cases, and the new endpoints' unauthorised, wrong-origin and hostile-input cases.
test.describe.configure({ mode: "serial" });

const hostile = hostileInputs("private spaces: ");
const { probe } = hostile;

const made: APIRequestContext[] = [];
async function context(base: string, signedInAs?: string) {
  const c = await playwrightRequest.newContext({ baseURL: base, extraHTTPHeaders: { Origin: base }, timeout: 20_000 });
  made.push(c);
  if (signedInAs) await signInApi(c, signedInAs);
  return c;
}

const hex = randomBytes(5).toString("hex");
const MARKER = `qzv${hex}mark`;
const SPACE = `Vault${hex}`;
const GROUP = `crew_${hex}`;
const SECRET = `${SPACE}/Plan ${MARKER}`;
const LINKED = `${SPACE}/Linked`;
const FILE = `File:${SPACE}/Pic.png`;
const PUBLIC = `Open ${hex}`;
const names = { admin: newUsername("adm"), insider: newUsername("ins"), outsider: newUsername("out"), writer: newUsername("wri") };
const who = {} as Record<"adminA" | "insiderA" | "insiderB" | "writerA" | "outsiderA" | "outsiderB" | "anonA" | "anonB", APIRequestContext>;
const ids = { first: 0, second: 0, media: "" };

test.beforeAll(async () => {
  const anon = await context(INSTANCE_A);
  for (const n of Object.values(names)) await createAccount(anon, n);
  await makeAdmin(names.admin);
  await sql("UPDATE users SET role = 'editor' WHERE username_key = ANY($1)", [[names.insider, names.outsider, names.writer].map((n) => n.toLowerCase())]);
  who.adminA = await context(INSTANCE_A, names.admin);
  who.insiderA = await context(INSTANCE_A, names.insider);
  who.insiderB = await context(INSTANCE_B, names.insider);
  who.writerA = await context(INSTANCE_A, names.writer);
  who.outsiderA = await context(INSTANCE_A, names.outsider);
  who.outsiderB = await context(INSTANCE_B, names.outsider);
  who.anonA = await context(INSTANCE_A);
  who.anonB = await context(INSTANCE_B);
});

test.afterAll(async () => {
  for (const c of made.splice(0)) await c.dispose();
  hostile.report();
});

const admin = () => who.adminA;

test("the admin endpoints: signed out 401, a non-admin 403, a foreign origin 403, hostile input 4xx, and nothing changes", async () => {
  // the admin's own session, sent from another site's page
  const evil = await playwrightRequest.newContext({ baseURL: INSTANCE_A, extraHTTPHeaders: { Origin: "https://evil.example" }, storageState: await admin().storageState() });
  made.push(evil);
  const calls: [string, string, unknown][] = [
    ["POST", "/api/admin/groups", { name: `g_${hex}` }],
    ["DELETE", `/api/admin/groups/${GROUP}`, undefined],
    ["PUT", `/api/admin/groups/${GROUP}/members/${names.outsider}`, undefined],
    ["DELETE", `/api/admin/groups/${GROUP}/members/${names.insider}`, undefined],
    ["PUT", `/api/admin/spaces/${SPACE}`, { read: "everyone", edit: "editors" }],
    ["DELETE", `/api/admin/spaces/${SPACE}`, undefined],
  ];
  for (const [method, url, data] of calls) {
    probe((await who.anonA.fetch(url, { method, data })).status() === 401, `${method} ${url} signed out`);
    probe((await who.outsiderA.fetch(url, { method, data })).status() === 403, `${method} ${url} by an editor`);
    probe((await evil.fetch(url, { method, data })).status() === 403, `${method} ${url} from a foreign origin`);
  }
  for (const url of ["/api/admin/groups", "/api/admin/spaces", "/api/admin/audit"]) {
    probe((await who.anonA.get(url)).status() === 401, `GET ${url} signed out`);
    probe((await who.outsiderA.get(url)).status() === 403, `GET ${url} by an editor`);
  }
  const hostile: [string, string, unknown][] = [
    ["POST", "/api/admin/groups", { name: "../../etc" }],
    ["POST", "/api/admin/groups", { name: "x".repeat(500) }],
    ["POST", "/api/admin/groups", { name: "ok_name", role: "admin" }],
    ["PUT", `/api/admin/spaces/${SPACE}`, { read: ["group:nosuch_group_here"], edit: "editors" }],
    ["PUT", `/api/admin/spaces/${SPACE}`, { read: ["everyone'); DROP TABLE pages;--"], edit: "editors" }],
    ["PUT", `/api/admin/spaces/${SPACE}`, { read: "nobody", edit: "editors" }],
    ["PUT", `/api/admin/spaces/File:${SPACE}`, { read: "everyone", edit: "editors" }],
    ["PUT", `/api/admin/spaces/${SPACE}`, { read: Array.from({ length: 500 }, (_, i) => `user:u${i}xx`), edit: "editors" }],
    ["PUT", "/api/admin/spaces/%00", { read: "everyone", edit: "editors" }],
    ["DELETE", `/api/admin/groups/nosuch_${hex}`, undefined],
    ["PUT", `/api/admin/groups/nosuch_${hex}/members/${names.insider}`, undefined],
  ];
  for (const [method, url, data] of hostile) {
    const res = await admin().fetch(url, { method, data });
    probe(res.status() >= 400 && res.status() < 500, `${method} ${url} ${JSON.stringify(data)?.slice(0, 60)} answered ${res.status()}`);
  }
  const spaces = (await (await admin().get("/api/admin/spaces")).json()) as { spaces: { prefix: string }[] };
  probe(!spaces.spaces.some((s) => s.prefix.startsWith(SPACE) || s.prefix.startsWith("File:")), "a refused request made a space");
});

test("set up: a group, a private space, a marker in a private page's title, text, summary, comment and file", async () => {
  expect((await admin().post("/api/admin/groups", { data: { name: GROUP } })).status()).toBe(201);
  for (const n of [names.insider, names.writer]) expect((await admin().put(`/api/admin/groups/${GROUP}/members/${n}`)).status()).toBe(200);
  const space = await admin().put(`/api/admin/spaces/${SPACE}`, { data: { read: [`group:${GROUP}`], edit: [`group:${GROUP}`] } });
  expect(space.status()).toBe(200);
  expect(await space.json()).toEqual({ prefix: SPACE, read: [`group:${GROUP}`], edit: [`group:${GROUP}`] });
  const me = (await (await who.insiderA.get("/api/me")).json()) as { user: { groups: string[] } };
  expect(me.user.groups).toEqual([GROUP]);
  const put = (c: APIRequestContext, title: string, markdown: string, base: number | null = null, summary?: string) =>
    c.put(`/api/pages/${slugPath(title)}`, { data: { markdown, baseRevisionId: base, ...(summary ? { summary } : {}) } });
  const first = await put(who.insiderA, SECRET, `The ${MARKER} text.\n`);
  expect(first.status()).toBe(201);
  ids.first = ((await first.json()) as { revision: { id: number } }).revision.id;
  const second = await put(who.insiderA, SECRET, `The ${MARKER} text, revised.\n`, ids.first, `summary ${MARKER}`);
  ids.second = ((await second.json()) as { revision: { id: number } }).revision.id;
  expect((await put(who.insiderA, LINKED, "linked\n")).status()).toBe(201);
  expect((await who.insiderA.post(`/api/talk/${slugPath(SECRET)}`, { data: { content: `comment ${MARKER}` } })).status()).toBe(201);
  const png = await sharp({ create: { width: 100, height: 60, channels: 3, background: "#c33" } }).png().toBuffer();
  const up = await who.insiderA.put(`/api/files/${slugPath(FILE)}?summary=${encodeURIComponent(`file ${MARKER}`)}`, { data: png });
  expect(up.status()).toBe(201);
  ids.media = ((await up.json()) as { file: { url: string } }).file.url;
  expect((await put(who.outsiderA, PUBLIC, `Public, linking to [[${LINKED}]] and showing [[${FILE}]].\n`)).status()).toBe(201);
  await verifyAddress(who.insiderA, names.insider);
  expect((await who.insiderA.put(`/api/watch/${slugPath(SECRET)}`)).status()).toBe(200);
});

/**
 * Every view that could show the marker, by path; `private`: it names the private page or file itself (an outsider
 * gets 404); `echo`: its address holds the title ("title") or the marker as a query ("query"), which the answer may
 * repeat back to whoever asked, so only what the page holds is looked for there.
 */
function views(): { path: string; private: boolean; echo: "title" | "query" | null }[] {
  const s = slugPath(SECRET);
  const typo = MARKER.slice(0, -1) + "x";
  const v = (path: string, isPrivate: boolean, echo: "title" | "query" | null = null) => ({ path, private: isPrivate, echo });
  return [
    ...[`/wiki/${s}`, `/history/${s}`, `/blame/${s}`, `/talk/${s}`, `/api/pages/${s}`, `/api/history/${s}`, `/api/blame/${s}`, `/api/talk/${s}`, `/feed/${s}`].map((p) => v(p, true, "title")),
    ...[`/revision/${ids.second}`, `/diff?from=${ids.first}&to=${ids.second}`, `/api/revisions/${ids.first}`, `/api/diff?from=${ids.first}&to=${ids.second}`,
      `/api/files/${slugPath(FILE)}`, `/file/${slugPath(FILE)}`, ids.media, `${ids.media}?width=32`, `/wiki/${slugPath(FILE).replaceAll("%3A", ":")}`].map((p) => v(p, true)),
    ...[`/search?q=${MARKER}`, `/api/search?q=${MARKER}`].map((p) => v(p, false, "query")),
    ...["/recent-changes", "/api/recent-changes", "/recent-changes.atom", "/pages", "/api/pages?limit=500", `/api/search?q=${typo}`, `/search?q=${typo}`,
      "/wanted", "/api/wanted?limit=500", `/backlinks/${slugPath(LINKED)}`, `/users/${names.insider}`, `/api/users/${names.insider}`,
      `/api/contributions/${names.insider}`, `/wiki/${slugPath(PUBLIC)}`, `/api/pages/${slugPath(PUBLIC)}`, `/api/backlinks/${slugPath(PUBLIC)}`].map((p) => v(p, false)),
  ];
}

/** What of the private page an answer shows: its text, summary, comment and file (and, unless it was asked by that name, its title). */
function leaked(body: string, echo: "title" | "query" | null): string | null {
  const held = [`The ${MARKER}`, `summary ${MARKER}`, `comment ${MARKER}`, `file ${MARKER}`];
  const forbidden = echo === "title" ? held : echo === "query" ? [...held, `Plan ${MARKER}`, `Plan_${MARKER}`] : [MARKER];
  return forbidden.find((f) => body.includes(f)) ?? null;
}

/** Warm every view as the insider on both instances (each twice: the second from what the first left). */
async function warm() {
  for (const c of [who.insiderA, who.insiderB]) {
    for (const v of views()) {
      for (let i = 0; i < 2; i++) {
        const res = await c.get(v.path, { maxRedirects: 0 });
        expect(res.status(), `${v.path} for the insider`).toBeLessThan(400);
      }
    }
  }
  // the public views as everyone else sees them, so what is kept for them is kept before the sweep
  for (const c of [who.anonA, who.anonB, who.outsiderA, who.outsiderB]) for (const v of views()) if (!v.private) await c.get(v.path);
}

/** No outsider on either instance finds the marker anywhere; the page's own views are 404. */
async function sweep(outsiders: [string, APIRequestContext][]) {
  let probes = 0;
  for (const [name, c] of outsiders) {
    for (const v of views()) {
      for (let i = 0; i < 2; i++) {
        const res = await c.get(v.path, { maxRedirects: 0 });
        const body = await res.text();
        const found = leaked(body, v.echo);
        probe(found === null, `${name}: “${found}” in ${v.path} (${res.status()})`);
        if (v.private) probe(res.status() === 404, `${name}: ${v.path} answered ${res.status()}, not as if it did not exist`);
        else probe(res.status() === 200 || res.status() === 302, `${name}: ${v.path} answered ${res.status()}`);
        probes++;
      }
    }
    const view = await (await c.get(`/wiki/${slugPath(PUBLIC)}`)).text();
    probe(/class="new"[^>]*>[^<]*<\/a>/.test(view) && !view.includes(`href="/wiki/${slugPath(LINKED)}"`), `${name}: a link into the space is not a red link`);
    probe(!view.includes(ids.media), `${name}: a private image is shown in a public page`);
    for (let i = 0; i < 15; i++) {
      const random = await c.get("/random", { maxRedirects: 0 });
      probe(!(random.headers().location ?? "").includes(`/wiki/${SPACE}/`), `${name}: /random led into the space`);
    }
    const preview = await c.post("/api/preview", { data: { markdown: `[[${LINKED}]] [[${FILE}]]` } });
    if (preview.status() === 200) {
      const html = ((await preview.json()) as { html: string }).html;
      probe(!html.includes(`href="/wiki/${slugPath(LINKED)}"`) && !html.includes(ids.media), `${name}: a preview told of a private page or file`);
    }
    const media = await c.get(ids.media);
    probe(media.status() === 404, `${name}: a private file's bytes (${media.status()})`);
  }
  return probes;
}

test("the sweep: warmed by an insider, nothing of a private page reaches an outsider on either instance", async () => {
  await warm();
  const insiderView = await who.insiderB.get(`/wiki/${slugPath(SECRET)}`);
  expect(await insiderView.text()).toContain(MARKER);
  expect(await insiderView.text()).toContain(`members of ${GROUP}`);
  const media = await who.insiderA.get(ids.media);
  probe(media.status() === 200 && (media.headers()["cache-control"] ?? "").startsWith("private"), `a private file's bytes may be kept by a shared cache (${media.headers()["cache-control"]})`);
  const linked = await (await who.insiderA.get(`/wiki/${slugPath(PUBLIC)}`)).text();
  expect(linked).toContain(`href="/wiki/${slugPath(LINKED)}"`);
  const n = await sweep([["signed out on A", who.anonA], ["signed out on B", who.anonB], ["an outsider on A", who.outsiderA], ["an outsider on B", who.outsiderB]]);
  console.log(`[security] private spaces: the sweep made ${n} requests as outsiders`);
});

test("the peers' leaks: a prefix without a segment boundary, uploads and edits by outsiders", async () => {
  // Wiki.js GHSA-9p4x-8wcm-8jpx: a prefix rule without a segment boundary granted read and write
  const near = `${SPACE}work ${hex}`;
  const created = await who.outsiderA.put(`/api/pages/${slugPath(near)}`, { data: { markdown: "mine\n", baseRevisionId: null } });
  probe(created.status() === 201, `a title that merely starts with the prefix is no part of the space (${created.status()})`);
  probe((await who.anonB.get(`/wiki/${slugPath(near)}`)).status() === 200, "and everyone may read it");
  for (const [what, res] of [
    ["a page in the space", await who.outsiderA.put(`/api/pages/${slugPath(`${SPACE}/Mine`)}`, { data: { markdown: "x\n", baseRevisionId: null } })],
    ["an edit of a private page", await who.outsiderB.put(`/api/pages/${slugPath(SECRET)}`, { data: { markdown: "x\n", baseRevisionId: ids.second } })],
    ["a file in the space (BookStack #3086)", await who.outsiderA.put(`/api/files/${slugPath(`File:${SPACE}/Mine.png`)}`, { data: Buffer.from("x") })],
    ["a move into the space", await who.outsiderA.post(`/api/move/${slugPath(near)}`, { data: { to: `${SPACE}/Moved` } })],
    ["a comment on a private page", await who.outsiderA.post(`/api/talk/${slugPath(SECRET)}`, { data: { content: "hi" } })],
    ["a watch of a private page", await who.outsiderA.put(`/api/watch/${slugPath(SECRET)}`)],
    ["a revert of a private page", await who.outsiderA.post(`/api/revert/${slugPath(SECRET)}`, { data: { revisionId: ids.first } })],
  ] as [string, Awaited<ReturnType<APIRequestContext["get"]>>][]) {
    probe(res.status() === 403 || res.status() === 404, `${what}: ${res.status()}`);
  }
  const editor = await who.outsiderA.get(`/edit/${slugPath(`${SPACE}/New page`)}`);
  probe(!(await editor.text()).includes("Text (Markdown)"), "the editor opened for a page in a space one may not edit");
});

test("a revocation holds everywhere at once (no mail either), and a grant too", async () => {
  expect((await admin().delete(`/api/admin/groups/${GROUP}/members/${names.insider}`)).status()).toBe(200);
  // Outline #13207: a watcher who lost access hears nothing more of the page
  const edit = await who.writerA.put(`/api/pages/${slugPath(SECRET)}`, { data: { markdown: `The ${MARKER} text, after.\n`, baseRevisionId: ids.second } });
  expect(edit.status()).toBe(200);
  const n = await sweep([["the revoked insider on A", who.insiderA], ["the revoked insider on B", who.insiderB], ["signed out on B", who.anonB]]);
  console.log(`[security] private spaces: ${n} requests after the revocation`);
  const queued = await sql("SELECT count(*)::int AS n FROM outbox o JOIN users u ON u.id = o.user_id WHERE u.username_key = $1 AND o.page_title = $2", [names.insider.toLowerCase(), SECRET]);
  probe(queued[0]!.n === 0, "mail about the page was queued for a watcher who lost access");
  expect((await admin().put(`/api/admin/groups/${GROUP}/members/${names.insider}`)).status()).toBe(200);
  for (const c of [who.insiderA, who.insiderB]) {
    const back = await c.get(`/wiki/${slugPath(SECRET)}`);
    probe(back.status() === 200 && (await back.text()).includes("after."), "a grant did not hold on every instance at once");
  }
  // a grant to one person opens nothing to anyone else: warmed again by the insider, swept again as outsiders
  await warm();
  const again = await sweep([["an outsider on B after a grant", who.outsiderB], ["signed out on A after a grant", who.anonA]]);
  console.log(`[security] private spaces: ${again} requests after the grant`);
  const audit = (await (await admin().get("/api/admin/audit?limit=20")).json()) as { entries: { action: string; target: string; actor: string }[] };
  const mine = audit.entries.filter((e) => e.target === GROUP || e.target === SPACE).map((e) => e.action);
  expect(mine.slice(0, 2)).toEqual(["member.add", "member.remove"]);
  expect(audit.entries[0]!.actor).toBe(names.admin);
});
