import { test, expect, type APIRequestContext } from "@playwright/test";
import { createAccount, INSTANCE_A, makeAdmin, newTitle, saveInEditor, signInApi, signUpInBrowser, slugPath, twoInstanceContexts } from "./fixtures";

// Connected pages: wiki links and their colours, moves with redirects, deletes and restores, in Chromium and over
// HTTP against both instances (they share PostgreSQL and memcached).
const c = twoInstanceContexts();

async function create(title: string, markdown: string) {
  const res = await c.editorA.put(`/api/pages/${slugPath(title)}`, { data: { markdown, baseRevisionId: null } });
  expect(res.status(), await res.text()).toBe(201);
}

/** The <a> a signed-out reader of `title` on `ctx` sees for the link to `target`: its class and href. */
async function linkAsSeen(ctx: APIRequestContext, title: string, target: string) {
  const html = await (await ctx.get(`/wiki/${slugPath(title)}`)).text();
  const m = new RegExp(`<a(?: class="([a-z]+)")? href="(/(?:wiki|edit)/${slugPath(target)})"`).exec(html);
  return m ? { cls: m[1] ?? "", href: m[2] } : null;
}

test("in the browser: follow a red link, create the page, go back: the link is blue", async ({ page }) => {
  await signUpInBrowser(page);
  const [home, target] = [newTitle("Home"), newTitle("Red")];
  await saveInEditor(page, home, `Read [[${target}|the new page]] next.`, "Read");
  const link = page.locator("article a", { hasText: "the new page" });
  await expect(link).toHaveClass("new");
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/edit/${slugPath(target)}$`));
  await page.getByLabel("Text (Markdown)").fill("Now it exists.");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("article")).toContainText("Now it exists.");
  await page.goto(`/wiki/${slugPath(home)}`);
  await expect(link).not.toHaveClass("new");
  await expect(link).toHaveAttribute("href", `/wiki/${slugPath(target)}`);
  // the editor's preview colours links the same way
  await page.goto(`/edit/${slugPath(home)}`);
  await page.getByLabel("Text (Markdown)").fill(`[[${target}]] and [[${newTitle("Nowhere")}]]`);
  await expect(page.getByTestId("preview").locator("a.new")).toHaveCount(1);
  await expect(page.getByTestId("preview").locator(`a[href="/wiki/${slugPath(target)}"]`)).toHaveCount(1);
});

test("in the browser: move a page, then the old URL lands on the new one with a note", async ({ page }) => {
  await signUpInBrowser(page);
  const [old, neu] = [newTitle("Before"), newTitle("After")];
  await create(old, "Moving text.");
  await page.goto(`/wiki/${slugPath(old)}`);
  await page.getByRole("link", { name: "Move" }).click();
  await page.getByLabel("New title").fill(neu);
  await expect(page.getByLabel(/Leave a redirect behind/)).toBeChecked();
  await page.getByRole("button", { name: "Move page" }).click();
  await expect(page).toHaveURL(new RegExp(`/wiki/${slugPath(neu)}$`));
  await expect(page.locator("article")).toContainText("Moving text.");
  await page.goto(`/wiki/${slugPath(old)}`);
  await expect(page).toHaveURL(new RegExp(`/wiki/${slugPath(neu)}\\?redirectedfrom=`));
  await expect(page.locator(".redirected-from")).toContainText(`Redirected from ${old}`);
  await page.goto(`/history/${slugPath(neu)}`);
  await expect(page.locator("tbody tr").first()).toContainText("moved");
});

test("in the browser: an admin deletes a page and a reader sees the deleted notice", async ({ page, browser }) => {
  const name = await createAccount(page.request);
  await makeAdmin(name);
  await signInApi(page.request, name); // the browser's cookies: its session names the admin role from the start
  const title = newTitle("Doomed");
  await create(title, "Soon gone.");
  await page.goto(`/wiki/${slugPath(title)}`);
  await page.getByRole("link", { name: "Delete" }).click();
  await page.getByLabel(/Reason/).fill("Copied from elsewhere");
  await page.getByRole("button", { name: "Delete page" }).click();
  await expect(page.locator(".deleted-notice")).toBeVisible();
  const reader = await browser.newContext();
  const readerPage = await reader.newPage();
  const res = await readerPage.goto(`/wiki/${slugPath(title)}`);
  expect(res?.status()).toBe(404);
  await expect(readerPage.locator(".deleted-notice")).toContainText("This page was deleted");
  await expect(readerPage.locator(".deleted-notice")).toContainText("Copied from elsewhere");
  await expect(readerPage.getByRole("link", { name: "Restore this page" })).toHaveCount(0);
  await reader.close();
});

test("a red link turns blue on the other instance for a signed-out reader at once, and red again after a delete", async () => {
  const [linker, target] = [newTitle("Linker"), newTitle("Target")];
  await create(linker, `See [[${target}]].`);
  // B serves the page twice: the second answer comes from its front cache
  expect(await linkAsSeen(c.anonB, linker, target)).toEqual({ cls: "new", href: `/edit/${slugPath(target)}` });
  expect(await linkAsSeen(c.anonB, linker, target)).toEqual({ cls: "new", href: `/edit/${slugPath(target)}` });
  await create(target, "Here.");
  expect(await linkAsSeen(c.anonB, linker, target)).toEqual({ cls: "", href: `/wiki/${slugPath(target)}` });
  expect(await linkAsSeen(c.anonA, linker, target)).toEqual({ cls: "", href: `/wiki/${slugPath(target)}` });
  const del = await c.adminA.delete(`/api/pages/${slugPath(target)}`, { data: { reason: "test" } });
  expect(del.status()).toBe(200);
  expect(await linkAsSeen(c.anonB, linker, target)).toEqual({ cls: "new", href: `/edit/${slugPath(target)}` });
  const deleted = await c.anonB.get(`/wiki/${slugPath(target)}`);
  expect(deleted.status()).toBe(404);
  expect(await deleted.text()).toContain("This page was deleted");
  const restored = await c.adminA.post(`/api/restore/${slugPath(target)}`, { data: {} });
  expect(restored.status()).toBe(200);
  expect(await linkAsSeen(c.anonB, linker, target)).toEqual({ cls: "", href: `/wiki/${slugPath(target)}` });
});

test("redirects: one temporary hop; loops, chains and self-redirects show the redirect page", async () => {
  const [target, r1, r2, self, loopA, loopB] = ["Target", "R1", "R2", "Self", "LoopA", "LoopB"].map((p) => newTitle(p));
  await create(target!, "The end.");
  await create(r1!, `#REDIRECT [[${target}]]`);
  await create(r2!, `#REDIRECT [[${r1}]]`);
  await create(self!, `#REDIRECT [[${self}]]`);
  await create(loopA!, `#REDIRECT [[${loopB}]]`);
  await create(loopB!, `#REDIRECT [[${loopA}]]`);
  for (const ctx of [c.anonA, c.anonB]) {
    const hop = await ctx.get(`/wiki/${slugPath(r1!)}`, { maxRedirects: 0 });
    expect(hop.status()).toBe(302);
    expect(hop.headers().location).toBe(`/wiki/${slugPath(target!)}?redirectedfrom=${slugPath(r1!)}`);
    const landed = await ctx.get(hop.headers().location!);
    expect(await landed.text()).toContain(`Redirected from <a href="/wiki/${slugPath(r1!)}?redirect=no">`);
    for (const t of [r2, self, loopA, loopB]) {
      const res = await ctx.get(`/wiki/${slugPath(t!)}`, { maxRedirects: 0 });
      expect(res.status(), `${t} is shown, not followed`).toBe(200);
      expect(await res.text()).toContain("This page is a redirect");
    }
  }
  const page = await (await c.anonA.get(`/api/pages/${slugPath(r1!)}`)).json();
  expect(page.redirectTo).toEqual({ title: target, slug: slugPath(target!) });
  // a forged "redirected from" names nothing
  const forged = await c.anonA.get(`/wiki/${slugPath(target!)}?redirectedfrom=${slugPath(self!)}`);
  expect(await forged.text()).not.toContain("Redirected from");
});

test("the HTTP contract: move answers, lists of pages, backlinks and wanted titles, /random", async () => {
  const [a, b, wanted] = [newTitle("Mover"), newTitle("Other"), newTitle("Wanted")];
  await create(a, `[[${b}]] [[${wanted}]]`);
  await create(b, `[[${a}]] [[${wanted}]]`);
  const moved = newTitle("Moved");
  const res = await c.editorA.post(`/api/move/${slugPath(a)}`, { data: { to: moved } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ from: { title: a, slug: slugPath(a) }, to: { title: moved, slug: slugPath(moved) }, redirect: true });
  expect((await c.editorA.post(`/api/move/${slugPath(moved)}`, { data: { to: b } })).status()).toBe(409);
  expect((await c.editorA.post(`/api/move/${slugPath(moved)}`, { data: { to: moved } })).status()).toBe(400);
  expect((await c.editorA.post(`/api/move/${slugPath(moved)}`, { data: { to: "bad [title]" } })).status()).toBe(400);
  expect((await c.editorA.post(`/api/move/${slugPath(newTitle("Missing"))}`, { data: { to: newTitle("X") } })).status()).toBe(404);
  expect((await c.anonA.post(`/api/move/${slugPath(moved)}`, { data: { to: newTitle("X") }, headers: { Origin: INSTANCE_A } })).status()).toBe(401);
  expect((await c.editorA.delete(`/api/pages/${slugPath(b)}`, { data: {} })).status()).toBe(403);

  const backlinks = await (await c.anonA.get(`/api/backlinks/${slugPath(wanted)}`)).json();
  expect(backlinks.pages.map((p: { title: string }) => p.title).sort()).toEqual([b, moved].sort());
  expect(backlinks.next).toBeNull();
  const toOld = await (await c.anonA.get(`/api/backlinks/${slugPath(a)}`)).json();
  expect(toOld.pages).toEqual([{ title: b, slug: slugPath(b) }]);

  const wantedList = await (await c.anonA.get("/api/wanted?limit=500")).json();
  expect(wantedList.pages).toContainEqual({ title: wanted, slug: slugPath(wanted), links: 2 });

  const first = await (await c.anonA.get("/api/pages?limit=2")).json();
  expect(first.pages).toHaveLength(2);
  expect(Object.keys(first.pages[0]).sort()).toEqual(["redirect", "slug", "title", "updatedAt"]);
  const second = await (await c.anonA.get(`/api/pages?limit=2&after=${encodeURIComponent(first.next)}`)).json();
  expect(second.pages[0].title > first.pages[1].title).toBe(true);

  const random = await c.anonA.get("/random", { maxRedirects: 0 });
  expect(random.status()).toBe(302);
  expect(random.headers().location).toMatch(/^\/wiki\//);
});
