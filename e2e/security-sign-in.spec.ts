import { test, expect, request as playwrightRequest, type APIRequestContext, type Browser } from "@playwright/test";
import {
  INSTANCE_A, INSTANCE_SSO_ONLY, PASSWORD, createAccount, hostileInputs, makeAdmin, newUsername, setClaims,
  signInApi, signInWithPassword, signInWithSso, sql, tamperNextToken, whoAmI,
} from "./fixtures";
import { addPerson } from "../lib/testing/directory.mjs";

// The security suite's organisation sign-in (decision 0030): forged and replayed answers from the identity
// provider, the peers' advisories (Outline GHSA-mjgw-5j7q-gv8v: OAuth state not bound to the browser; Outline
// #12605: accounts joined by an unverified address), directory filter injection, and the new endpoints'
// unauthorised, wrong-origin and hostile-input cases. Nothing forged signs anyone in or changes an account.

const hostile = hostileInputs("organisation sign-in: ");
const { probe } = hostile;

const made: APIRequestContext[] = [];
async function api(base = INSTANCE_A, { origin = base, signedInAs }: { origin?: string; signedInAs?: string } = {}) {
  const c = await playwrightRequest.newContext({ baseURL: base, extraHTTPHeaders: { Origin: origin }, timeout: 20_000 });
  made.push(c);
  if (signedInAs) await signInApi(c, signedInAs);
  return c;
}
test.afterAll(async () => {
  for (const c of made.splice(0)) await c.dispose();
  hostile.report();
});

async function newSsoLogin(claims: Record<string, unknown> = {}) {
  const login = newUsername("sso");
  await setClaims(login, { preferred_username: login, ...claims });
  return login;
}

const identitiesOf = async (login: string) => Number((await sql("SELECT count(*)::int AS n FROM identities WHERE subject = $1", [login]))[0]!.n);

/** Sign in through the provider in a fresh browser, recording the callback URL the provider sent it to. */
async function ssoInFreshBrowser(browser: Browser, login: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const callbacks: string[] = [];
  page.on("request", (r) => r.url().includes("/api/auth/callback/oidc") && callbacks.push(r.url()));
  await signInWithSso(page, login);
  return { context, page, callback: callbacks[0] ?? "" };
}

for (const mode of ["audience", "issuer", "expired", "none", "signature"] as const) {
  test(`an ID token with ${mode === "none" ? "alg: none" : `a wrong ${mode}`} signs nobody in and makes no account`, async ({ browser }) => {
    const login = await newSsoLogin({ groups: ["wiki-admins"] });
    await tamperNextToken(mode);
    const { context, page } = await ssoInFreshBrowser(browser, login);
    await expect(page.getByRole("alert").filter({ hasText: "Single sign-on did not complete" })).toBeVisible();
    probe((await whoAmI(page)) === null, `a forged ID token (${mode}) signed someone in`);
    probe((await identitiesOf(login)) === 0, `a forged ID token (${mode}) made an identity`);
    await context.close();
    await tamperNextToken(null);
  });
}

test("a replayed callback signs nobody in: in another browser, or in the same one after signing out", async ({ browser }) => {
  const login = await newSsoLogin();
  const first = await ssoInFreshBrowser(browser, login);
  expect((await whoAmI(first.page))?.username).toBe(login);
  expect(first.callback).toContain("code=");
  const other = await browser.newContext();
  const page = await other.newPage();
  await page.goto(first.callback);
  probe((await whoAmI(page)) === null, "a replayed callback signed another browser in");
  await other.close();
  await first.page.goto(`${INSTANCE_A}/signout`);
  await first.page.getByRole("button", { name: "Sign out" }).click();
  await first.page.waitForURL((u) => !u.pathname.startsWith("/signout"));
  await first.page.goto(first.callback);
  probe((await whoAmI(first.page)) === null, "a replayed callback signed the same browser in again");
  await first.context.close();
});

/**
 * Begin a sign-in as `login` outside any browser (next-auth's own endpoints, then the provider's screens, every
 * redirect followed by hand) and stop at the provider's redirect back to the wiki: its callback URL, code unused.
 */
async function callbackNotFollowed(login: string): Promise<string> {
  const c = await api();
  const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const start = (await (await c.post("/api/auth/signin/oidc", { form: { csrfToken, callbackUrl: "/", json: "true" } })).json()) as { url: string };
  let next = start.url;
  for (let hop = 0; hop < 10; hop++) {
    if (next.includes("/api/auth/callback/oidc")) return next;
    const res = await c.get(next, { maxRedirects: 0 });
    const location = res.headers()["location"];
    if (location) {
      next = new URL(location, next).href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    expect(action && html.includes('name="login"'), "the provider shows its sign-in form").toBeTruthy();
    const posted = await c.post(new URL(action!, next).href, { form: { prompt: "login", login, password: "x" }, maxRedirects: 0 });
    next = new URL(posted.headers()["location"] ?? "", next).href;
  }
  throw new Error("the provider never sent the browser back");
}

test("the OAuth state is bound to the browser that began the sign-in (Outline GHSA-mjgw-5j7q-gv8v)", async ({ browser }) => {
  // an attacker begins a sign-in with their own account and stops before the callback...
  const attackerLogin = await newSsoLogin();
  const callback = await callbackNotFollowed(attackerLogin);
  expect(callback).toContain("code=");
  // ...and sends the victim the link: the victim's browser never began it, so it signs nobody in
  const victimName = await createAccount(await api());
  const victim = await browser.newContext();
  const vpage = await victim.newPage();
  await signInWithPassword(vpage, victimName);
  await expect(vpage.locator("header").getByRole("link", { name: victimName })).toBeVisible();
  await vpage.goto(callback);
  probe((await whoAmI(vpage))?.username === victimName, "a callback begun in another browser switched the victim's session");
  probe((await identitiesOf(attackerLogin)) === 0, "a callback begun in another browser connected an identity");
  await victim.close();
});

test("an address from the provider never joins an existing account, verified or not (Outline #12605)", async ({ browser }) => {
  const owner = await createAccount(await api());
  const before = await sql("SELECT role, email, password_hash FROM users WHERE username_key = $1", [owner.toLowerCase()]);
  for (const verified of [false, true]) {
    const login = await newSsoLogin({ email: `${owner}@example.test`, email_verified: verified, groups: ["wiki-admins"] });
    const { context, page } = await ssoInFreshBrowser(browser, login);
    const me = await whoAmI(page);
    probe(me !== null && me.username !== owner, `an identity with the address of ${owner} (email_verified ${verified}) was signed in as them`);
    await context.close();
  }
  const after = await sql("SELECT role, email, password_hash FROM users WHERE username_key = $1", [owner.toLowerCase()]);
  probe(JSON.stringify(after) === JSON.stringify(before), "the existing account was changed by another's sign-in");
});

test("a Connect intent joins only its own person's account: a forged or someone else's intent connects nothing", async ({ browser }) => {
  const alice = await createAccount(await api());
  const mallory = await createAccount(await api());
  const aliceApi = await api(INSTANCE_A, { signedInAs: alice });
  const intent = (await aliceApi.post("/api/users/me/identities", { data: { provider: "oidc" } })).headers()["set-cookie"] ?? "";
  const value = /vellum-connect=([^;]+)/.exec(intent)?.[1] ?? "";
  expect(value).not.toBe("");
  for (const [what, cookie] of [
    ["alice's intent", value],
    ["a forged intent", `${value.split(".")[0]}.${Date.now() + 600_000}.AAAA`],
  ] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithPassword(page, mallory);
    await expect(page.locator("header").getByRole("link", { name: mallory })).toBeVisible();
    await context.addCookies([{ name: "vellum-connect", value: cookie, url: `${INSTANCE_A}/api/auth` }]);
    const login = await newSsoLogin();
    await signInWithSso(page, login);
    probe((await identitiesOf(login)) === 0, `${what} in mallory's browser connected an identity`);
    probe((await whoAmI(page))?.username === mallory, `${what} switched mallory's session`);
    await context.close();
  }
});

test("the directory form: filter syntax in a username matches nobody", async ({ browser }) => {
  const uid = newUsername("ldap");
  await addPerson({ uid, password: "directory pass 9" });
  for (const name of ["*", `${uid.slice(0, 5)}*`, `${uid})(uid=*`, `*)(|(uid=*`, `${uid}\u0000`]) {
    const c = await api();
    const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
    await c.post("/api/auth/callback/credentials", { form: { csrfToken, username: name, password: "directory pass 9", json: "true" } });
    probe((await c.get("/api/me")).status() === 401, `the directory signed in ${JSON.stringify(name)}`);
  }
  // the real name still works
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInWithPassword(page, uid, "directory pass 9");
  await expect(page.locator("header").getByRole("link", { name: uid })).toBeVisible();
  await context.close();
});

test("POST /api/users/me/password: signed out 401, foreign origin 403, hostile bodies 400, a wrong current password 403", async () => {
  const name = await createAccount(await api());
  probe((await (await api()).post("/api/users/me/password", { data: { currentPassword: PASSWORD, newPassword: "x".repeat(12) } })).status() === 401, "signed out");
  const me = await api(INSTANCE_A, { signedInAs: name });
  const evil = await playwrightRequest.newContext({ baseURL: INSTANCE_A, extraHTTPHeaders: { Origin: "https://evil.example" }, storageState: await me.storageState() });
  made.push(evil);
  probe((await evil.post("/api/users/me/password", { data: { currentPassword: PASSWORD, newPassword: "evil password 1" } })).status() === 403, "a foreign origin changed a password");
  for (const data of [
    { newPassword: "short" },
    { currentPassword: PASSWORD, newPassword: "y".repeat(2000) },
    { currentPassword: PASSWORD, newPassword: 12345678901 },
    { currentPassword: PASSWORD, newPassword: "z".repeat(12), role: "admin" },
    { currentPassword: ["a"], newPassword: "z".repeat(12) },
    { currentPassword: PASSWORD, newPassword: "nul\u0000password!" },
  ]) {
    const status = (await me.post("/api/users/me/password", { data })).status();
    probe(status === 400, `password change ${JSON.stringify(data).slice(0, 80)} answered ${status}`);
  }
  probe((await me.post("/api/users/me/password", { data: { newPassword: "no current one" } })).status() === 400, "a password set without the current one, long after signing in");
  probe((await me.post("/api/users/me/password", { data: { currentPassword: "not it at all", newPassword: "a new password" } })).status() === 403, "a wrong current password");
  // nothing changed: the old password still signs in
  await signInApi(await api(), name);
});

test("accounts from the organisation have no Vellum password (400), and cannot be taken by a magic link", async ({ browser }) => {
  const login = await newSsoLogin({ email: `${newUsername("org")}@example.test`, email_verified: true });
  const { context, page } = await ssoInFreshBrowser(browser, login);
  const res = await page.request.post(`${INSTANCE_A}/api/users/me/password`, { data: { newPassword: "set by someone" }, headers: { Origin: INSTANCE_A } });
  probe(res.status() === 400, `an organisation account set a Vellum password (${res.status()})`);
  // where only the organisation signs people in, the same answer: the account has no password
  const elsewhere = await browser.newContext(); // a browser without the provider's session: its sign-in screen shows
  const epage = await elsewhere.newPage();
  await signInWithSso(epage, login, INSTANCE_SSO_ONLY);
  const there = await epage.request.post(`${INSTANCE_SSO_ONLY}/api/users/me/password`, { data: { newPassword: "set by someone" }, headers: { Origin: INSTANCE_SSO_ONLY } });
  probe(there.status() === 400, `an organisation account set a Vellum password where local sign-in is off (${there.status()})`);
  await elsewhere.close();
  const { email } = (await sql("SELECT email FROM users WHERE username_key = $1", [login.toLowerCase()]))[0] as { email: string };
  const c = await api();
  const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
  await c.post("/api/auth/signin/email", { form: { csrfToken, email, json: "true" } });
  probe((await sql("SELECT id FROM outbox WHERE lower(to_address) = lower($1) AND kind = 'signin'", [email])).length === 0, "a magic link was sent for an organisation account");
  await context.close();
});

test("identities and the admin status: signed out 401, foreign origin 403, tokens 403, another's identity 404, hostile bodies 400", async ({ browser }) => {
  const login = await newSsoLogin();
  const owner = await ssoInFreshBrowser(browser, login);
  const { id } = (await sql("SELECT id FROM identities WHERE subject = $1", [login]))[0] as { id: number };
  const anon = await api();
  probe((await anon.get("/api/users/me/identities")).status() === 401, "identities listed signed out");
  probe((await anon.delete(`/api/users/me/identities/${id}`)).status() === 401, "an identity disconnected signed out");
  probe((await anon.get("/api/admin/sign-in")).status() === 401, "sign-in status signed out");
  const stranger = await createAccount(anon);
  const other = await api(INSTANCE_A, { signedInAs: stranger });
  probe((await other.delete(`/api/users/me/identities/${id}`)).status() === 404, "someone else's identity disconnected");
  probe((await other.get("/api/admin/sign-in")).status() === 403, "sign-in status for an editor");
  for (const bad of ["abc", "0", "-1", "1e3", "99999999999999999999"]) {
    probe((await other.delete(`/api/users/me/identities/${bad}`)).status() === 404, `identity id ${bad}`);
  }
  for (const data of [{}, { provider: "saml" }, { provider: "oidc", extra: 1 }, { provider: "ldap" }, { provider: "ldap", username: "a", password: "" }, { provider: "ldap", username: "x".repeat(300), password: "p" }]) {
    const status = (await other.post("/api/users/me/identities", { data })).status();
    probe(status === 400, `connect ${JSON.stringify(data).slice(0, 60)} answered ${status}`);
  }
  probe((await other.post("/api/users/me/identities", { data: { provider: "ldap", username: "*", password: "*" } })).status() === 403, "a directory wildcard connected");
  const evil = await playwrightRequest.newContext({ baseURL: INSTANCE_A, extraHTTPHeaders: { Origin: "https://evil.example" }, storageState: await owner.context.storageState() });
  made.push(evil);
  probe((await evil.delete(`/api/users/me/identities/${id}`)).status() === 403, "a foreign origin disconnected an identity");
  probe((await evil.post("/api/users/me/identities", { data: { provider: "oidc" } })).status() === 403, "a foreign origin set a Connect intent");
  const token = (await (await other.post("/api/tokens", { data: { name: "bot" } })).json()) as { token: string };
  const bot = await playwrightRequest.newContext({ baseURL: INSTANCE_A, extraHTTPHeaders: { Authorization: `Bearer ${token.token}` } });
  made.push(bot);
  probe((await bot.post("/api/users/me/identities", { data: { provider: "oidc" } })).status() === 403, "a token set a Connect intent");
  probe((await identitiesOf(login)) === 1, "the identity is still there");
  await owner.context.close();
  const admin = await createAccount(anon);
  await makeAdmin(admin);
  const status = await (await api(INSTANCE_A, { signedInAs: admin })).get("/api/admin/sign-in");
  expect(status.status()).toBe(200);
  expect(await status.json()).toMatchObject({ local: true, oidc: { answers: true }, ldap: { answers: true } });
});

test("LOCAL_SIGN_IN=off: sign-up and magic links answer 403 whatever the body", async () => {
  const c = await api(INSTANCE_SSO_ONLY);
  for (const data of [{}, { username: newUsername(), email: `${newUsername()}@example.test`, password: PASSWORD }, { username: "<script>", email: "x", password: 1 }]) {
    probe((await c.post("/api/accounts", { data })).status() === 403, `sign-up ${JSON.stringify(data).slice(0, 60)}`);
  }
  const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
  for (const email of ["someone@example.test", "not an address", ""]) {
    probe((await c.post("/api/auth/signin/email", { form: { csrfToken, email, json: "true" } })).status() === 403, `a magic link for ${JSON.stringify(email)}`);
  }
  const page = (await c.get("/signin")).status();
  expect(page).toBe(200);
});


