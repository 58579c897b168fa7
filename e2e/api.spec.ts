import { test, expect, request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import http from "node:http";
import { createAccount, newTitle, signInApi, slugPath } from "./fixtures";

// The HTTP contract (documented by /api/openapi.json and /api-docs), checked over real HTTP against the running app.
let api: APIRequestContext;
let origin: string;

test.beforeAll(async ({ baseURL }) => {
  origin = new URL(baseURL!).origin;
  api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: origin } });
  await signInApi(api, await createAccount(api));
});
test.afterAll(() => api.dispose());

/** Send a request with the path exactly as given (no client-side dot-segment resolution). */
function rawStatus(method: string, rawPath: string): Promise<number> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: rawPath }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

async function put(title: string, body: unknown, ctx = api) {
  return ctx.put(`/api/pages/${slugPath(title)}`, { data: body });
}

test("create 201, edit 200, null edit unchanged, GET with X-Revision-Id", async () => {
  const title = newTitle("Api");
  const created = await put(title, { markdown: "# One\n", baseRevisionId: null, summary: "new" });
  expect(created.status()).toBe(201);
  const c = await created.json();
  expect(c.revision).toMatchObject({ number: 1, summary: "new", size: 6 });
  expect(created.headers()["x-revision-id"]).toBe(String(c.revision.id));

  const edited = await put(title, { markdown: "# Two\n", baseRevisionId: c.revision.id });
  expect(edited.status()).toBe(200);
  const e = await edited.json();
  expect(e.revision.number).toBe(2);

  const same = await put(title, { markdown: "# Two\n", baseRevisionId: e.revision.id });
  expect(same.status()).toBe(200);
  expect((await same.json()).unchanged).toBe(true);

  const got = await api.get(`/api/pages/${slugPath(title)}`);
  expect(got.status()).toBe(200);
  expect(got.headers()["x-revision-id"]).toBe(String(e.revision.id));
  const body = await got.json();
  expect(body).toMatchObject({ title, slug: title.replaceAll(" ", "_"), markdown: "# Two\n" });
  expect(body.html).toContain("Two</h1>");
  expect(body.revision).toMatchObject({ id: e.revision.id, number: 2, author: { username: expect.any(String) } });

  const view = await api.get(`/wiki/${slugPath(title)}`);
  expect(view.status()).toBe(200);
  expect(view.headers()["x-revision-id"]).toBe(String(e.revision.id));
  expect(view.headers()["content-security-policy"]).toContain("script-src 'none'");
});

test("stale base: 409 edit_conflict with the current text; overlapping-free edits merge", async () => {
  const title = newTitle("Conflict");
  const r1 = await (await put(title, { markdown: "a\n\nb\n", baseRevisionId: null })).json();
  const r2 = await (await put(title, { markdown: "A\n\nb\n", baseRevisionId: r1.revision.id })).json();
  const conflict = await put(title, { markdown: "AA\n\nb\n", baseRevisionId: r1.revision.id });
  expect(conflict.status()).toBe(409);
  const conflictBody = await conflict.json();
  const err = conflictBody.error;
  expect(err.code).toBe("edit_conflict");
  expect(err.current).toEqual({ revisionId: r2.revision.id, markdown: "A\n\nb\n" });
  expect(conflictBody.current).toEqual(err.current);
  const merged = await put(title, { markdown: "a\n\nB\n", baseRevisionId: r1.revision.id });
  expect(merged.status()).toBe(200);
  expect((await merged.json()).merged).toBe(true);
  expect((await (await api.get(`/api/pages/${slugPath(title)}`)).json()).markdown).toBe("A\n\nB\n");
});

test("history, revision, diff and revert have the contract's shapes", async () => {
  const title = newTitle("Shapes");
  const r1 = (await (await put(title, { markdown: "one\ntwo\n", baseRevisionId: null })).json()).revision;
  const r2 = (await (await put(title, { markdown: "one\n2\nthree\n", baseRevisionId: r1.id, summary: "s" })).json()).revision;

  const history = await (await api.get(`/api/history/${slugPath(title)}?limit=1`)).json();
  expect(history.revisions).toHaveLength(1);
  expect(history.revisions[0]).toMatchObject({ id: r2.id, number: 2, summary: "s", size: 12, sizeDelta: 4 });
  expect(history.next).not.toBeNull();
  const older = await (await api.get(`/api/history/${slugPath(title)}?limit=1&before=${history.next}`)).json();
  expect(older.revisions[0]).toMatchObject({ id: r1.id, sizeDelta: 8 });
  expect(older.next).toBeNull();

  const rev = await (await api.get(`/api/revisions/${r1.id}`)).json();
  expect(rev).toMatchObject({ id: r1.id, number: 1, page: { title }, markdown: "one\ntwo\n" });
  expect(rev.html).toContain("<p>one");

  const diff = await (await api.get(`/api/diff?from=${r1.id}&to=${r2.id}`)).json();
  expect(diff.from.id).toBe(r1.id);
  expect(diff.to.id).toBe(r2.id);
  const ops = diff.changes as { op: string; text: string }[];
  expect(ops.filter((c) => c.op !== "insert").map((c) => c.text).join("")).toBe("one\ntwo\n");
  expect(ops.filter((c) => c.op !== "delete").map((c) => c.text).join("")).toBe("one\n2\nthree\n");

  const reverted = await api.post(`/api/revert/${slugPath(title)}`, { data: { revisionId: r1.id } });
  expect(reverted.status()).toBe(200);
  expect((await reverted.json()).revision.number).toBe(3);
  expect((await (await api.get(`/api/pages/${slugPath(title)}`)).json()).markdown).toBe("one\ntwo\n");
});

test("bad and hostile titles are 400 (API) or a readable 400 page (HTML), never a 500", async () => {
  const bad = ["a%23b", "a%3Cb", "x".repeat(300), "a%00b", "%E0%A4%A", "a%7Cb", "a%5Bb%5D", "a//b"];
  for (const slug of bad) {
    const res = await api.put(`/api/pages/${slug}`, { data: { markdown: "x", baseRevisionId: null } });
    expect(res.status(), slug).toBe(400);
    expect((await res.json()).error.code, slug).toBe("bad_request");
    const get = await api.get(`/api/pages/${slug}`);
    expect(get.status(), slug).toBe(400);
  }
  // HTTP clients resolve "..", "." (even as %2E%2E) before sending, so send these paths raw
  for (const slug of ["..", "a/../b", "a/./b", "%2E%2E", "a/%2e%2e/b"]) {
    expect(await rawStatus("GET", `/api/pages/${slug}`), slug).toBe(400);
    expect(await rawStatus("GET", `/wiki/${slug}`), slug).toBe(400);
  }
  const html = await api.get("/wiki/a%3Cscript%3E");
  expect(html.status()).toBe(400);
  expect(html.headers()["content-type"]).toContain("text/html");
  expect(await html.text()).toContain("Bad title");
});

test("NFD and NFC titles are one page; bidi and zero-width characters are stripped", async () => {
  const nfd = newTitle("Cafe\u0301");
  const created = await put(nfd, { markdown: "x", baseRevisionId: null });
  expect(created.status()).toBe(201);
  const nfc = nfd.normalize("NFC");
  expect(nfc).not.toBe(nfd);
  expect((await created.json()).title).toBe(nfc);
  expect((await api.get(`/api/pages/${slugPath(nfc)}`)).status()).toBe(200);
  expect((await api.get(`/api/pages/${slugPath(`\u200B${nfc}\u202E`)}`)).status()).toBe(200);
  const view = await api.get(`/wiki/${slugPath(nfd)}`, { maxRedirects: 0 });
  expect(view.status()).toBe(308);
  expect(view.headers()["location"]).toContain(`/wiki/${slugPath(nfc)}`);
});

test("malformed JSON, unknown fields, missing or bad baseRevisionId, long summary: 400, nothing saved", async () => {
  const title = newTitle("Bad input");
  const path = `/api/pages/${slugPath(title)}`;
  const cases: [string, unknown][] = [
    ["malformed", "{not json"],
    ["unknown field", { markdown: "x", baseRevisionId: null, authorId: "someone" }],
    ["missing base", { markdown: "x" }],
    ["string base", { markdown: "x", baseRevisionId: "1" }],
    ["negative base", { markdown: "x", baseRevisionId: -1 }],
    ["markdown not a string", { markdown: 5, baseRevisionId: null }],
    ["summary too long", { markdown: "x", baseRevisionId: null, summary: "s".repeat(501) }],
    ["array body", [1, 2]],
  ];
  for (const [name, body] of cases) {
    const res = await api.put(path, {
      data: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status(), name).toBe(400);
    const err = (await res.json()).error;
    expect(err.code, name).toBe("bad_request");
    expect(err.message, name).not.toMatch(/prisma|select|at .*\.ts/i);
  }
  expect((await api.get(path)).status()).toBe(404);
});

test("markdown over 1 MiB is 413; exactly 1 MiB is accepted", async () => {
  const title = newTitle("Big");
  const over = await put(title, { markdown: "é".repeat(512 * 1024 + 1), baseRevisionId: null });
  expect(over.status()).toBe(413);
  expect((await over.json()).error.code).toBe("payload_too_large");
  expect((await api.get(`/api/pages/${slugPath(title)}`)).status()).toBe(404);
  const exact = await put(title, { markdown: "x".repeat(1024 * 1024), baseRevisionId: null });
  expect(exact.status()).toBe(201);
});

test("state-changing requests need a session and a same-site Origin", async ({ baseURL }) => {
  const title = newTitle("Csrf");
  const body = { markdown: "x", baseRevisionId: null };
  // no session
  const anon = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Origin: origin } });
  const noSession = await put(title, body, anon);
  expect(noSession.status()).toBe(401);
  expect((await noSession.json()).error.code).toBe("unauthorized");
  expect((await anon.post(`/api/revert/${slugPath(title)}`, { data: { revisionId: 1 } })).status()).toBe(401);
  await anon.dispose();

  // a session but a foreign Origin, or none at all
  const storage = await api.storageState();
  const headerSets: Record<string, string>[] = [{ Origin: "https://evil.example" }, {}, { Referer: "https://evil.example/page" }];
  for (const headers of headerSets) {
    const ctx = await playwrightRequest.newContext({ baseURL, storageState: storage, extraHTTPHeaders: headers });
    const res = await put(title, body, ctx);
    expect(res.status(), JSON.stringify(headers)).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect((await ctx.post(`/api/revert/${slugPath(title)}`, { data: { revisionId: 1 } })).status()).toBe(403);
    await ctx.dispose();
  }
  expect((await api.get(`/api/pages/${slugPath(title)}`)).status()).toBe(404);
});

test("accounts: 201, duplicate 409, bad input 400, /api/me", async ({ baseURL }) => {
  const anon = await playwrightRequest.newContext({ baseURL });
  const username = await createAccount(anon);
  const dup = await anon.post("/api/accounts", {
    data: { username: username.toUpperCase(), email: "other@example.test", password: "0123456789" },
  });
  expect(dup.status()).toBe(409);
  expect((await dup.json()).error.code).toBe("conflict");
  for (const data of [
    { username: "ab", email: "a@example.test", password: "0123456789" },
    { username: "bad name", email: "a@example.test", password: "0123456789" },
    { username: "okname", email: "not-an-email", password: "0123456789" },
    { username: "okname", email: "a@example.test", password: "short" },
    { username: "okname", email: "a@example.test", password: "0123456789", role: "admin" },
  ]) {
    const res = await anon.post("/api/accounts", { data });
    expect(res.status(), JSON.stringify(data)).toBe(400);
  }
  expect((await anon.get("/api/me")).status()).toBe(401);
  await anon.dispose();
  const me = await (await api.get("/api/me")).json();
  expect(me.user).toMatchObject({ username: expect.any(String), role: expect.stringMatching(/admin|editor/) });
});

test("missing things are 404 in the contract's error shape; health is up", async () => {
  const missing = await api.get(`/api/pages/${slugPath(newTitle("Nope"))}`);
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.code).toBe("not_found");
  expect((await api.get("/api/revisions/999999999")).status()).toBe(404);
  expect((await api.get("/api/revisions/abc")).status()).toBe(400);
  expect((await api.get("/api/diff?from=1")).status()).toBe(400);
  expect((await api.get("/api/history/Nope_at_all_x")).status()).toBe(404);
  const health = await api.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ ok: true, db: "up" });
  const root = await api.get("/", { maxRedirects: 0 });
  expect([302, 307, 308]).toContain(root.status());
  expect(root.headers()["location"]).toContain("/wiki/Main_Page");
});

test("the API describes itself: /api/openapi.json (OpenAPI 3.1) and /api-docs for people", async () => {
  const res = await api.get("/api/openapi.json");
  expect(res.status()).toBe(200);
  const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths["/api/pages/{slug}"] ?? {}).sort()).toEqual(["delete", "get", "put"]);
  expect(Object.keys(doc.paths["/api/talk/{slug}/{id}"] ?? {})).toEqual(["delete"]);
  const page = await api.get("/api-docs");
  expect(page.status()).toBe(200);
  const text = await page.text();
  expect(text).toContain("PUT /api/pages/{slug}");
  expect(text).toContain("PUT /api/files/{slug}");
  expect(Object.keys(doc.paths["/api/files/{slug}"] ?? {}).sort()).toEqual(["get", "put"]);
});
