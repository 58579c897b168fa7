import { expect, test, type Page } from "@playwright/test";
import {
  INSTANCE_A, INSTANCE_SSO_ONLY, PASSWORD, SSO_BUTTON, apiContexts, createAccount, makeAdmin, newUsername, setClaims, signInWithSso,
  signInWithPassword, sql, ssoLogin, waitForMail, whoAmI,
} from "./fixtures";
import { addPerson, setGroups } from "../lib/testing/directory.mjs";

// Signing in as an organisation (decision 0030), in Chromium, through the test identity provider (oidc-provider)
// and the test directory (slapd) that `npm test` starts: instances A and B offer them beside Vellum's own accounts;
// the third signs people in through them only.

const { ctx, signedIn, disposeAll } = apiContexts(() => INSTANCE_A);
test.afterAll(disposeAll);

/** A person the provider knows, with these groups. */
async function ssoPerson(groups: string[], extra: Record<string, unknown> = {}) {
  const login = newUsername("sso");
  await setClaims(login, { preferred_username: login, name: `Sam ${login}`, groups, ...extra });
  return login;
}

test("single sign-on in Chromium: a new person gets an account named from the provider, groups and role from its claim", async ({ browser }) => {
  const login = await ssoPerson(["wiki-editors", "research"]);
  const first = await browser.newContext();
  const page = await first.newPage();
  await signInWithSso(page, login);
  await expect(page.locator("header").getByRole("link", { name: login })).toBeVisible();
  expect(await whoAmI(page)).toMatchObject({ username: login, role: "editor", groups: ["research", "wiki-editors"] });
  await first.close();

  // the directory of record changes: at the next sign-in Vellum follows it
  await setClaims(login, { preferred_username: login, groups: ["wiki-admins"] });
  const second = await browser.newContext();
  const again = await second.newPage();
  await signInWithSso(again, login);
  expect(await whoAmI(again)).toMatchObject({ username: login, role: "admin", groups: ["wiki-admins"] });
  await setClaims(login, { preferred_username: login, groups: [] });
  await second.close();
  const third = await browser.newContext();
  const last = await third.newPage();
  await signInWithSso(last, login);
  expect(await whoAmI(last)).toMatchObject({ username: login, role: "reader", groups: [] });
  await third.close();
});

test("directory sign-in in Chromium: the username and password form, with groups and role from the directory", async ({ page }) => {
  const uid = newUsername("ldap");
  await addPerson({ uid, password: "directory pass 1", cn: "Lee Directory" }, ["wiki-editors", "ops"]);
  await signInWithPassword(page, uid, "directory pass 1");
  await expect(page.locator("header").getByRole("link", { name: uid })).toBeVisible();
  expect(await whoAmI(page)).toMatchObject({ username: uid, role: "editor", groups: ["ops", "wiki-editors"] });
  await setGroups(uid, ["wiki-admins"]);
  await page.request.post(`${INSTANCE_A}/api/auth/signout`, { form: { csrfToken: await csrf(page) }, headers: { Origin: INSTANCE_A } });
  await signInWithPassword(page, uid, "directory pass 1");
  await expect(page.locator("header").getByRole("link", { name: uid })).toBeVisible();
  expect(await whoAmI(page)).toMatchObject({ role: "admin", groups: ["wiki-admins"] });
});

async function csrf(page: Page, base = INSTANCE_A): Promise<string> {
  return ((await (await page.request.get(`${base}/api/auth/csrf`)).json()) as { csrfToken: string }).csrfToken;
}

test("a directory that is down refuses its sign-in with a clear message; a local account still signs in", async ({ browser }) => {
  const uid = newUsername("ldap");
  await addPerson({ uid, password: "directory pass 2" });
  const local = await createAccount(await ctx());
  const pid = Number(process.env.E2E_SLAPD_PID);
  expect(pid, "npm test names the directory's process").toBeGreaterThan(0);
  process.kill(pid, "SIGSTOP"); // it takes connections and never answers
  try {
    const down = await browser.newContext();
    const page = await down.newPage();
    await signInWithPassword(page, uid, "directory pass 2");
    await expect(page.getByRole("alert").filter({ hasText: "The directory is not answering" })).toBeVisible();
    expect(await whoAmI(page)).toBeNull();
    await signInWithPassword(page, local, PASSWORD);
    await expect(page.locator("header").getByRole("link", { name: local })).toBeVisible();
    await down.close();
  } finally {
    process.kill(pid, "SIGCONT");
  }
  const up = await browser.newContext();
  const page = await up.newPage();
  await signInWithPassword(page, uid, "directory pass 2");
  await expect(page.locator("header").getByRole("link", { name: uid })).toBeVisible();
  await up.close();
});

test("LOCAL_SIGN_IN=off: only the organisation's sign-in is offered and works; sign-up and magic links are 403", async ({ browser }) => {
  const local = await createAccount(await ctx()); // on A; the instances share the database
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${INSTANCE_SSO_ONLY}/signin`);
  await expect(page.getByRole("button", { name: SSO_BUTTON })).toBeVisible();
  await expect(page.getByRole("button", { name: "Email me a sign-in link" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Create an account" })).toHaveCount(0);
  await signInWithPassword(page, local, PASSWORD, INSTANCE_SSO_ONLY);
  await expect(page.getByRole("alert").filter({ hasText: "know no such username and password" })).toBeVisible();
  expect(await whoAmI(page, INSTANCE_SSO_ONLY), "a local account's password signs nobody in").toBeNull();

  const api = await browser.newContext({ extraHTTPHeaders: { Origin: INSTANCE_SSO_ONLY } });
  const signUp = await api.request.post(`${INSTANCE_SSO_ONLY}/api/accounts`, { data: { username: newUsername(), email: `${newUsername()}@example.test`, password: PASSWORD } });
  expect(signUp.status()).toBe(403);
  const link = await api.request.post(`${INSTANCE_SSO_ONLY}/api/auth/signin/email`, { form: { csrfToken: await csrf(page, INSTANCE_SSO_ONLY), email: `${local}@example.test`, json: "true" } });
  expect(link.status()).toBe(403);
  await api.close();

  const uid = newUsername("ldap");
  await addPerson({ uid, password: "directory pass 3" }, ["wiki-editors"]);
  await signInWithPassword(page, uid, "directory pass 3", INSTANCE_SSO_ONLY);
  await expect(page.locator("header").getByRole("link", { name: uid })).toBeVisible();
  await context.close();

  const sso = await browser.newContext();
  const ssoPage = await sso.newPage();
  const login = await ssoPerson([]);
  await signInWithSso(ssoPage, login, INSTANCE_SSO_ONLY);
  expect(await whoAmI(ssoPage, INSTANCE_SSO_ONLY)).toMatchObject({ username: login, role: "reader" });
  await sso.close();
});

test("Settings: a local account connects its SSO identity, then signs in with it; disconnecting never leaves no way in", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const local = await createAccount(await ctx());
  await signInWithPassword(page, local, PASSWORD);
  await expect(page.locator("header").getByRole("link", { name: local })).toBeVisible();
  const login = await ssoPerson(["wiki-editors"]);
  await page.goto(`${INSTANCE_A}/settings`);
  await page.getByRole("button", { name: "Connect Example SSO" }).click();
  await ssoLogin(page, login);
  await expect(page).toHaveURL(/\/settings\?connected=1/);
  await expect(page.getByRole("list", { name: "Connected identities" })).toContainText(login);
  await context.close();

  const later = await browser.newContext();
  const again = await later.newPage();
  await signInWithSso(again, login);
  expect((await whoAmI(again))?.username, "the identity signs in as the account it was connected to").toBe(local);
  await again.goto(`${INSTANCE_A}/settings`);
  again.once("dialog", (d) => void d.accept());
  await again.getByRole("button", { name: `Disconnect ${login}` }).click();
  await expect(again.getByText("No organisation account is connected.")).toBeVisible();
  await later.close();

  // an account the provider made has no other way in: its only identity stays
  const made = await browser.newContext();
  const mine = await made.newPage();
  const fresh = await ssoPerson([]);
  await signInWithSso(mine, fresh);
  await mine.goto(`${INSTANCE_A}/settings`);
  await expect(mine.getByRole("heading", { name: "Password" })).toHaveCount(0);
  mine.once("dialog", (d) => void d.accept());
  await mine.getByRole("button", { name: `Disconnect ${fresh}` }).click();
  await expect(mine.getByRole("alert").filter({ hasText: "only way to sign in" })).toBeVisible();
  await made.close();
});

test("passwords: a change ends the other sessions and keeps this one; a magic link sets a forgotten one", async ({ browser }) => {
  const name = await createAccount(await ctx());
  const other = await signedIn(name);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithPassword(page, name, PASSWORD);
  await expect(page.locator("header").getByRole("link", { name })).toBeVisible();
  await page.goto(`${INSTANCE_A}/settings`);
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toContainText("Your other sessions have ended");
  expect((await other.get("/api/me")).status(), "the other session ended").toBe(401);
  expect((await whoAmI(page))?.username, "this one goes on").toBe(name);
  await context.close();

  // forgotten: a magic link, then a new password without the old one (the link also proves the address, which this
  // account never confirmed: whoever made it loses its password, so Settings offers to set one)
  const forgot = await browser.newContext();
  const fpage = await forgot.newPage();
  await fpage.goto(`${INSTANCE_A}/signin`);
  await fpage.getByLabel("Email", { exact: true }).fill(`${name}@example.test`);
  await fpage.getByRole("button", { name: "Email me a sign-in link" }).click();
  const [mail] = await waitForMail(`${name}@example.test`, (m) => /Sign in to Vellum/.test(m.subject ?? ""));
  await fpage.goto(/https?:\/\/\S+\/api\/auth\/callback\/email\S+/.exec(mail!.text ?? "")![0]);
  await fpage.goto(`${INSTANCE_A}/settings`);
  await fpage.getByLabel("New password").fill("the third password");
  await fpage.getByRole("button", { name: "Set password" }).click();
  await expect(fpage.getByRole("status")).toContainText("Saved");
  await forgot.close();
  const check = await browser.newContext();
  const cpage = await check.newPage();
  await signInWithPassword(cpage, name, "the third password");
  await expect(cpage.locator("header").getByRole("link", { name })).toBeVisible();
  await check.close();
});

test("the admin page says whether the issuer and the directory answer", async ({ browser }) => {
  const admin = await createAccount(await ctx());
  await makeAdmin(admin);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithPassword(page, admin, PASSWORD);
  await expect(page.locator("header").getByRole("link", { name: admin })).toBeVisible();
  await page.goto(`${INSTANCE_A}/admin`);
  const status = page.getByTestId("sign-in-status");
  await expect(status).toContainText("Single sign-on (Example SSO)");
  await expect(status.getByRole("listitem").filter({ hasText: "Single sign-on" })).toContainText("answers");
  await expect(status.getByRole("listitem").filter({ hasText: "Directory" })).toContainText("answers");
  await context.close();
});

test("a blocked person signing in through single sign-on is still blocked", async ({ browser }) => {
  const login = await ssoPerson(["wiki-admins"]);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithSso(page, login);
  expect((await whoAmI(page))?.role).toBe("admin");
  await sql("UPDATE users SET blocked = true WHERE username_key = $1", [login.toLowerCase()]);
  await context.close();
  const again = await browser.newContext();
  const second = await again.newPage();
  await signInWithSso(second, login);
  const res = await second.request.put(`${INSTANCE_A}/api/pages/Blocked_${login}`, { data: { markdown: "x\n", baseRevisionId: null }, headers: { Origin: INSTANCE_A } });
  expect(res.status()).toBe(403);
  expect((await sql("SELECT blocked FROM users WHERE username_key = $1", [login.toLowerCase()]))[0]).toEqual({ blocked: true });
  await again.close();
});
