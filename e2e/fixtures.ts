import { expect, request as playwrightRequest, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { simpleParser, type ParsedMail } from "mailparser";

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

/**
 * API request contexts for one spec file against `origin()`: `ctx` makes one (with extra headers, and another
 * context's cookies when given its storage state), `signedIn`
 * one signed in as `username` with a same-site Origin; `disposeAll` (in afterAll) ends them all.
 */
export function apiContexts(origin: () => string) {
  const made: APIRequestContext[] = [];
  type StorageState = Awaited<ReturnType<APIRequestContext["storageState"]>>;
  const ctx = async (headers: Record<string, string> = {}, storageState?: StorageState) => {
    const c = await playwrightRequest.newContext({ baseURL: origin(), extraHTTPHeaders: headers, storageState });
    made.push(c);
    return c;
  };
  const signedIn = async (username: string) => {
    const c = await ctx({ Origin: origin() });
    await signInApi(c, username);
    return c;
  };
  const disposeAll = async () => {
    for (const c of made.splice(0)) await c.dispose();
  };
  return { ctx, signedIn, disposeAll };
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

/** The Markdown the editor holds (either mode): the form's `markdown` field. */
export function markdownOf(page: Page) {
  return page.locator('input[name="markdown"]');
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

/** Run SQL against the e2e database (e.g. to make someone an admin). */
export async function sql(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Make an existing account an admin. */
export async function makeAdmin(username: string) {
  await sql("UPDATE users SET role = 'admin' WHERE username_key = $1", [username.toLowerCase()]);
}

/** Messages the SMTP sink has received for `address` (parsed), oldest first. */
export async function mailTo(address: string): Promise<ParsedMail[]> {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir || !existsSync(dir)) return [];
  const out: ParsedMail[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".eml")).sort()) {
    const mail = await simpleParser(readFileSync(path.join(dir, f)));
    const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
    if (to.some((t) => t.value.some((v) => v.address?.toLowerCase() === address.toLowerCase()))) out.push(mail);
  }
  return out;
}

/** Wait until `address` has received `count` messages matching `match` (and return them). */
export async function waitForMail(address: string, match: (m: ParsedMail) => boolean, count = 1, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await mailTo(address)).filter(match);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Confirm `username`'s address the way its owner would: take the link from the verification mail the SMTP sink
 * received and confirm it. Change emails go only to verified addresses.
 */
export async function verifyAddress(request: APIRequestContext, username: string) {
  const address = `${username}@example.test`;
  const [mail] = await waitForMail(address, (m) => /confirm your address/i.test(m.subject ?? ""));
  const token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? "")?.[1];
  expect(token, `a verification link reached ${address}`).toBeTruthy();
  const res = await request.post("/api/verify-email", { data: { token } });
  expect(res.status()).toBe(200);
}

/** The two instances `npm test` starts, sharing PostgreSQL and memcached. */
export const INSTANCE_A = process.env.E2E_BASE_URL ?? "http://localhost:3100";
export const INSTANCE_B = process.env.E2E_SECOND_URL ?? "http://localhost:3101";

/**
 * Request contexts on both instances for one spec file, made in its beforeAll and ended in its afterAll: an editor
 * and an admin signed in on A (with A's Origin), and signed-out readers on A and B (whose article views the front
 * cache may answer). Read the fields inside tests.
 */
export function twoInstanceContexts() {
  const c = {} as { editorA: APIRequestContext; adminA: APIRequestContext; anonA: APIRequestContext; anonB: APIRequestContext };
  test.beforeAll(async () => {
    const timeout = 20_000; // a stuck server fails the test with the request named instead of hanging it
    c.editorA = await playwrightRequest.newContext({ baseURL: INSTANCE_A, extraHTTPHeaders: { Origin: INSTANCE_A }, timeout });
    c.adminA = await playwrightRequest.newContext({ baseURL: INSTANCE_A, extraHTTPHeaders: { Origin: INSTANCE_A }, timeout });
    c.anonA = await playwrightRequest.newContext({ baseURL: INSTANCE_A, timeout });
    c.anonB = await playwrightRequest.newContext({ baseURL: INSTANCE_B, timeout });
    const editor = await createAccount(c.editorA);
    await sql("UPDATE users SET role = 'editor' WHERE username_key = $1", [editor.toLowerCase()]);
    await signInApi(c.editorA, editor);
    const admin = await createAccount(c.adminA);
    await makeAdmin(admin);
    await signInApi(c.adminA, admin);
  });
  test.afterAll(async () => {
    for (const ctx of Object.values(c)) await ctx.dispose();
  });
  return c;
}

/**
 * The security suite's count of hostile inputs (one per spec file): `probe` counts one and checks it was refused
 * or neutralised; `report` (in afterAll) says how many were tried and how many got through (0: any that got
 * through has already failed its test).
 */
export function hostileInputs(label = "") {
  let tried = 0;
  let through = 0;
  return {
    probe(ok: boolean, what: string) {
      tried++;
      if (!ok) through++;
      expect(ok, `got through: ${what}`).toBe(true);
    },
    report() {
      console.log(`[security] ${label}${tried} hostile inputs tried, ${through} got through`);
    },
  };
}

/** The instance that signs people in through the organisation only (LOCAL_SIGN_IN=off), and the test provider. */
export const INSTANCE_SSO_ONLY = process.env.E2E_SSO_ONLY_URL ?? "http://localhost:3102";
export const IDP = process.env.E2E_IDP_URL ?? "http://127.0.0.1:3190";
/** What the test instances call their single sign-on (OIDC_NAME in scripts/test.mjs). */
export const SSO_BUTTON = "Sign in with Example SSO";

/** The claims the test provider (scripts/test-idp.mjs) gives `login` from now on (its sub is the login). */
export async function setClaims(login: string, claims: Record<string, unknown>) {
  const res = await fetch(`${IDP}/__test/accounts/${encodeURIComponent(login)}`, { method: "POST", body: JSON.stringify({ claims }) });
  expect(res.status).toBe(204);
}

/** Make the provider's next token answer carry a forged ID token (scripts/test-idp.mjs lists the modes). */
export async function tamperNextToken(mode: "audience" | "issuer" | "expired" | "none" | "signature" | null) {
  const res = await fetch(`${IDP}/__test/tamper`, { method: "POST", body: JSON.stringify({ mode }) });
  expect(res.status).toBe(204);
}

/**
 * From `base`'s sign-in page, through the provider's sign-in screen as `login`, and back. Ends wherever the wiki
 * sends the browser (the caller checks where).
 */
export async function signInWithSso(page: Page, login: string, base = INSTANCE_A) {
  await page.goto(`${base}/signin`);
  await page.getByRole("button", { name: SSO_BUTTON }).click();
  await ssoLogin(page, login, base);
}

/** On the provider's sign-in screen: sign in as `login` (any password), then wait to be back on `base`. */
export async function ssoLogin(page: Page, login: string, base = INSTANCE_A) {
  await page.waitForURL((u) => u.href.startsWith(IDP));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((u) => u.href.startsWith(base));
}

/** Sign in on `base`'s sign-in page with a username and password (a Vellum account's, or the directory's). */
export async function signInWithPassword(page: Page, username: string, password = PASSWORD, base = INSTANCE_A) {
  await page.goto(`${base}/signin`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Who the browser page is signed in as, by the API: the /api/me answer, or null (401). */
export async function whoAmI(page: Page, base = INSTANCE_A): Promise<{ username: string; role: string; groups: string[] } | null> {
  const res = await page.request.get(`${base}/api/me`);
  if (res.status() === 401) return null;
  expect(res.status()).toBe(200);
  return ((await res.json()) as { user: { username: string; role: string; groups: string[] } }).user;
}
