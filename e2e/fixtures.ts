import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";

export const PASSWORD = "correct horse battery";

/** A unique, valid username. */
export function newUsername(prefix = "user"): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

/** A unique page title. */
export function newTitle(prefix = "Page"): string {
  return `${prefix} ${randomBytes(4).toString("hex")}`;
}

/** Sign up through the /signup page; ends signed in, on the main page. */
export async function signUpInBrowser(page: Page, username = newUsername()) {
  await page.goto("/signup");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(`${username}@example.test`);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("link", { name: username })).toBeVisible();
  return username;
}

/** Create an account over the API (no session). */
export async function createAccount(request: APIRequestContext, username = newUsername()) {
  const res = await request.post("/api/accounts", {
    data: { username, email: `${username}@example.test`, password: PASSWORD },
  });
  expect(res.status()).toBe(201);
  return username;
}

/** Sign a request context in with next-auth's credentials flow (its cookies then carry the session). */
export async function signInApi(request: APIRequestContext, username: string) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, username, password: PASSWORD, json: "true" },
  });
  expect(res.ok()).toBeTruthy();
  const me = await request.get("/api/me");
  expect(me.status()).toBe(200);
}

/** The URL path of a page title. */
export function slugPath(title: string): string {
  return title.replaceAll(" ", "_").split("/").map(encodeURIComponent).join("/");
}

/** Open the editor of `title`, type `markdown`, save, and wait for the page view to show `expectText`. */
export async function saveInEditor(page: Page, title: string, markdown: string, expectText: string) {
  await page.goto(`/edit/${slugPath(title)}`);
  await page.getByLabel("Text (Markdown)").fill(markdown);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("article")).toContainText(expectText);
}

/** Two people, each signed up in their own browser context; `close()` ends both. */
export async function twoEditors(browser: Browser) {
  const contexts = [await browser.newContext(), await browser.newContext()];
  const [a, b] = [await contexts[0]!.newPage(), await contexts[1]!.newPage()];
  await signUpInBrowser(a);
  await signUpInBrowser(b);
  return { a, b, close: () => Promise.all(contexts.map((c) => c.close())) };
}
