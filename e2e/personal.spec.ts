import { test, expect, type Browser, type Page } from "@playwright/test";
import { INSTANCE_A, INSTANCE_B, createAccount, makeAdmin, newTitle, signInApi, slugPath } from "./fixtures";

// One cached document serves every reader of a view (decision 0021); who reads it is filled in per request. In a
// real browser, an admin, an editor and a signed-out reader take turns on the same views on both instances, and
// each sees only their own name, links and tools. Nothing personal may ever reach the shared document.
test.skip(!process.env.E2E_SECOND_URL, "needs the two-instance setup of npm test");

type Reader = { kind: "anon" | "editor" | "admin"; name: string | null; page: Page };

/** A browser context for one reader, signed in (its cookies then serve both instances: same host, same secret). */
async function readerIn(browser: Browser, kind: Reader["kind"]): Promise<Reader> {
  const context = await browser.newContext({ baseURL: INSTANCE_A });
  const page = await context.newPage();
  if (kind === "anon") return { kind, name: null, page };
  const name = await createAccount(context.request);
  if (kind === "admin") await makeAdmin(name);
  await signInApi(context.request, name);
  return { kind, name, page };
}

test("an admin, an editor and a signed-out reader take turns on the same views on two instances: each sees only their own", async ({ browser }) => {
  const readers = [await readerIn(browser, "anon"), await readerIn(browser, "editor"), await readerIn(browser, "admin")];
  const names = readers.map((r) => r.name).filter((n): n is string => n !== null);
  const author = readers[1]!;
  const title = newTitle("Shared");
  const saved = await author.page.request.put(`${INSTANCE_A}/api/pages/${slugPath(title)}`, {
    data: { markdown: "One document for everyone.", baseRevisionId: null },
    headers: { Origin: INSTANCE_A },
  });
  expect(saved.status()).toBe(201);

  // three rounds, so every reader also sees the document another reader's visit left in each instance's cache
  for (let round = 0; round < 3; round++) {
    for (const instance of [INSTANCE_A, INSTANCE_B]) {
      for (const reader of round === 1 ? [...readers].reverse() : readers) {
        const response = await reader.page.goto(`${instance}/wiki/${slugPath(title)}`);
        expect(response?.status()).toBe(200);
        const header = reader.page.locator("header.site-header");
        const tools = reader.page.locator(".page-tools");
        await expect(reader.page.locator("article")).toContainText("One document for everyone.");
        if (reader.name === null) {
          await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
          await expect(tools.getByRole("link", { name: "Move" })).toHaveCount(0);
          expect(response!.headers()["cache-control"]).toBe("no-cache");
        } else {
          await expect(header.getByRole("link", { name: reader.name, exact: true })).toBeVisible();
          await expect(header.getByRole("link", { name: "Sign in" })).toHaveCount(0);
          await expect(tools.getByRole("link", { name: "Move" })).toBeVisible();
          expect(response!.headers()["cache-control"]).toBe("private, no-cache");
        }
        await expect(header.getByRole("link", { name: "Admin" })).toHaveCount(reader.kind === "admin" ? 1 : 0);
        await expect(tools.getByRole("link", { name: "Delete" })).toHaveCount(reader.kind === "admin" ? 1 : 0);
        const html = await response!.text();
        for (const other of names.filter((n) => n !== reader.name && n !== author.name)) {
          expect(html, `${reader.kind} on ${instance} sees nobody else's name`).not.toContain(other);
        }
      }
    }
  }

  // the lists and pages a shared cache may keep show the signed-out header to the signed-out reader, on both
  // instances, after the signed-in readers have seen them
  const views = [`/history/${slugPath(title)}`, `/talk/${slugPath(title)}`, "/recent-changes", `/search?q=${encodeURIComponent("document everyone")}`, "/pages"];
  for (const view of views) {
    for (const instance of [INSTANCE_A, INSTANCE_B]) {
      for (const reader of [readers[2]!, readers[1]!, readers[0]!]) {
        const response = await reader.page.goto(`${instance}${view}`);
        expect(response?.status(), `${view} on ${instance}`).toBe(200);
        const header = reader.page.locator("header.site-header");
        if (reader.name === null) await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
        else await expect(header.getByRole("link", { name: reader.name, exact: true })).toBeVisible();
        const html = await response!.text();
        for (const other of names.filter((n) => n !== reader.name)) {
          // the author's name is part of history and recent changes; nobody else's may appear
          if (other !== author.name) expect(html, `${view}: ${reader.kind} sees nobody else's name`).not.toContain(other);
        }
        if (reader.name === null) {
          expect(html, "no session data or CSRF token in a shared document").not.toMatch(/csrf|session-token/i);
          await expect(reader.page.locator("header.site-header")).not.toContainText(author.name!);
        }
      }
    }
  }
  for (const r of readers) await r.page.context().close();
});

test("a signed-in reader's change of role shows on the next view on either instance; signing out shows the signed-out header at once", async ({ browser }) => {
  const reader = await readerIn(browser, "editor");
  const admin = await readerIn(browser, "admin");
  const title = newTitle("Roles");
  const saved = await reader.page.request.put(`${INSTANCE_A}/api/pages/${slugPath(title)}`, { data: { markdown: "x", baseRevisionId: null }, headers: { Origin: INSTANCE_A } });
  expect(saved.status()).toBe(201);
  for (const instance of [INSTANCE_A, INSTANCE_B]) {
    await reader.page.goto(`${instance}/wiki/${slugPath(title)}`);
    await expect(reader.page.locator("header.site-header").getByRole("link", { name: "Admin" })).toHaveCount(0);
  }
  // as an admin does it: the change answers once both instances have dropped what they knew of the person
  const promoted = await admin.page.request.patch(`${INSTANCE_A}/api/admin/users/${reader.name}`, { data: { role: "admin" }, headers: { Origin: INSTANCE_A } });
  expect(promoted.status()).toBe(200);
  for (const instance of [INSTANCE_B, INSTANCE_A]) {
    await reader.page.goto(`${instance}/wiki/${slugPath(title)}`);
    await expect(reader.page.locator("header.site-header").getByRole("link", { name: "Admin" })).toHaveCount(1);
  }
  await reader.page.goto(`${INSTANCE_A}/signout`);
  await reader.page.getByRole("button", { name: "Sign out" }).click();
  await expect(reader.page.locator("header.site-header").getByRole("link", { name: "Sign in" })).toBeVisible();
  for (const instance of [INSTANCE_B, INSTANCE_A]) {
    await reader.page.goto(`${instance}/wiki/${slugPath(title)}`);
    await expect(reader.page.locator("header.site-header").getByRole("link", { name: "Sign in" })).toBeVisible();
  }
  for (const r of [reader, admin]) await r.page.context().close();
});
