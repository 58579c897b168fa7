import { test, expect, request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { createAccount, makeAdmin, newTitle, signInApi, signUpInBrowser, slugPath, sql } from "./fixtures";

// Finding and discussing: talk pages, search from the header, recent changes and their Atom feed, the Main Page,
// against both instances (E2E_BASE_URL and E2E_SECOND_URL share PostgreSQL and memcached).
const A = process.env.E2E_BASE_URL ?? "http://localhost:3100";
const B = process.env.E2E_SECOND_URL ?? "http://localhost:3101";

let editorA: APIRequestContext;
let anonA: APIRequestContext;
let anonB: APIRequestContext;

test.beforeAll(async () => {
  editorA = await playwrightRequest.newContext({ baseURL: A, extraHTTPHeaders: { Origin: A } });
  anonA = await playwrightRequest.newContext({ baseURL: A, extraHTTPHeaders: { Origin: A } });
  anonB = await playwrightRequest.newContext({ baseURL: B });
  const editor = await createAccount(editorA);
  // (the first account of a fresh wiki made from this machine is an admin: this one must not be)
  await sql("UPDATE users SET role = 'editor' WHERE username_key = $1", [editor.toLowerCase()]);
  await signInApi(editorA, editor);
});
test.afterAll(async () => {
  for (const c of [editorA, anonA, anonB]) await c.dispose();
});

async function create(title: string, markdown: string) {
  const res = await editorA.put(`/api/pages/${slugPath(title)}`, { data: { markdown, baseRevisionId: null } });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).revision.id as number;
}

test("a fresh wiki has a Main Page that says how to edit, link, search and discuss", async () => {
  const res = await anonB.get("/wiki/Main_Page");
  expect(res.status()).toBe(200);
  const html = await res.text();
  for (const word of ["Edit", "Link", "Search", "Discuss"]) expect(html).toContain(word);
});

test("in the browser: post a comment and see it at once on the other instance; the tab counts it", async ({ page, browser }) => {
  await signUpInBrowser(page);
  const title = newTitle("Discussed");
  await create(title, "Talk about me.");
  await page.goto(`/wiki/${slugPath(title)}`);
  await page.getByRole("link", { name: "Discussion" }).click();
  await expect(page).toHaveURL(new RegExp(`/talk/${slugPath(title)}$`));
  // debugging figures are for admins: this person is an editor (an admin's view is checked below)
  await expect(page.getByTestId("talk-cache-stats")).toHaveCount(0);
  await page.getByLabel("Your comment (Markdown)").fill("I **agree** <script>alert(1)</script>");
  await page.getByRole("button", { name: "Post comment" }).click();
  await expect(page.locator(".comments li").first()).toContainText("I agree");
  const other = await browser.newContext({ baseURL: B });
  const onB = await other.newPage();
  await onB.goto(`/talk/${slugPath(title)}`);
  await expect(onB.locator(".comments li").first()).toContainText("I agree");
  await expect(onB.locator(".comments strong")).toHaveText("agree");
  await expect(onB.locator(".comments script")).toHaveCount(0);
  await onB.goto(`/wiki/${slugPath(title)}`);
  await expect(onB.getByRole("link", { name: "Discussion (1)" })).toBeVisible();
  await other.close();
  expect(await (await anonA.get(`/talk/${slugPath(title)}`)).text()).not.toContain("Cache hits");
  const admin = await playwrightRequest.newContext({ baseURL: A, extraHTTPHeaders: { Origin: A } });
  const adminName = await createAccount(admin);
  await makeAdmin(adminName);
  await signInApi(admin, adminName);
  // (React writes text it joined as separate nodes: <!-- --> between them)
  expect((await (await admin.get(`/talk/${slugPath(title)}`)).text()).replaceAll("<!-- -->", "")).toMatch(/Cache hits: [\d,]+ · Cache misses: [\d,]+/);
  await admin.dispose();
  const api = await (await anonB.get(`/api/talk/${slugPath(title)}`)).json();
  expect(api.comments[0]).toMatchObject({ content: "I **agree** <script>alert(1)</script>", author: { username: expect.any(String) } });
  expect(api.comments[0].html).not.toContain("<script");
});

test("in the browser: the header's search box finds a page by a word in its text, and goes straight to an exact title", async ({ page }) => {
  const word = `quokka${Date.now().toString(36)}`;
  const title = newTitle("Marsupials");
  await create(title, `The ${word} lives on Rottnest Island.`);
  await page.goto("/wiki/Main_Page");
  await page.getByRole("searchbox", { name: "Search the wiki" }).fill(word);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=/);
  const result = page.locator(".search-results li").first();
  await expect(result.getByRole("link")).toHaveText(title);
  await expect(result.locator("mark")).toHaveText(word);
  await page.getByRole("searchbox", { name: "Search the wiki" }).first().fill(title);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/wiki/${slugPath(title)}$`));
  await page.goto(`/search?q=${encodeURIComponent(newTitle("Nothing like it"))}`);
  await expect(page.getByRole("link", { name: /Create the page/ })).toBeVisible();
});

test("recent changes and the Atom feed list an edit; an unchanged feed answers 304", async ({ page }) => {
  const title = newTitle("Changed");
  const first = await create(title, "one");
  const res = await editorA.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "two", baseRevisionId: first, summary: "second thoughts" } });
  expect(res.status()).toBe(200);
  await page.goto("/recent-changes");
  const row = page.locator("tbody tr", { hasText: title }).first();
  await expect(row).toContainText("second thoughts");
  await expect(row).toContainText("edit");
  const api = await (await anonB.get("/api/recent-changes?limit=10")).json();
  expect(api.changes.some((c: { page: { title: string }; kind: string }) => c.page.title === title && c.kind === "edit")).toBe(true);
  const feed = await anonB.get("/recent-changes.atom");
  expect(feed.status()).toBe(200);
  expect(feed.headers()["content-type"]).toContain("application/atom+xml");
  const xml = await feed.text();
  expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
  expect(xml).toContain(`${title} edited by`);
  const again = await anonB.get("/recent-changes.atom", { headers: { "If-None-Match": feed.headers().etag! } });
  expect(again.status()).toBe(304);
  const since = await anonA.get("/recent-changes.atom", { headers: { "If-Modified-Since": feed.headers()["last-modified"]! } });
  expect(since.status()).toBe(304);
  const pageFeed = await anonA.get(`/feed/${slugPath(title)}`);
  expect(pageFeed.status()).toBe(200);
  expect(await pageFeed.text()).toContain("second thoughts");
  expect((await anonA.get(`/feed/${slugPath(newTitle("Missing"))}`)).status()).toBe(404);
});

test("the memcache API at work: view counts (incr, get_multi) and the admin's flush_all", async () => {
  const admin = await playwrightRequest.newContext({ baseURL: A, extraHTTPHeaders: { Origin: A } });
  const name = await createAccount(admin);
  await makeAdmin(name);
  await signInApi(admin, name);
  expect((await editorA.post("/api/admin/cache/flush")).status()).toBe(403);
  const flushed = await admin.post("/api/admin/cache/flush");
  expect(flushed.status()).toBe(200);
  expect(await flushed.json()).toEqual({ flushed: true });
  // after a flush every page is still current: it is served, then cached again
  expect((await anonB.get("/wiki/Main_Page")).status()).toBe(200);
  await admin.dispose();
  // views are counted in each instance, sent to memcached with incr every few seconds, read back with get_multi
  const title = newTitle("Popular");
  await create(title, "Read me.");
  for (let i = 0; i < 3; i++) {
    expect((await anonA.get(`/wiki/${slugPath(title)}`)).status()).toBe(200);
    expect((await anonB.get(`/wiki/${slugPath(title)}`)).status()).toBe(200);
  }
  await expect
    .poll(async () => /Viewed about (\d+) times/.exec(await (await anonA.get(`/history/${slugPath(title)}`)).text())?.[1], { timeout: 30_000 })
    .toBe("6");
});
