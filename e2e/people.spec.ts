import { test, expect, type APIRequestContext } from "@playwright/test";
import {
  PASSWORD, apiContexts, createAccount, makeAdmin, newTitle, newUsername, saveInEditor, signInWithPassword, signUpInBrowser, slugPath,
  sql, verifyAddress, waitForMail,
} from "./fixtures";

// People: roles, blocking, protection, tokens, watchlists, change emails and magic links, over real HTTP, with a
// real SMTP sink (npm test runs scripts/smtp-sink.mjs and points the app at it).
test.describe.configure({ mode: "serial" });
test.skip(!process.env.E2E_MAIL_DIR || !process.env.E2E_DATABASE_URL, "needs the setup of npm test");

let origin: string;
const { ctx, signedIn, disposeAll } = apiContexts(() => origin);
test.beforeAll(({ baseURL }) => {
  origin = new URL(baseURL!).origin;
});
test.afterAll(disposeAll);

type Call = { method: "POST" | "PUT" | "PATCH" | "DELETE"; path: string; data?: unknown; admin?: boolean };

test("every state-changing endpoint: 401 without a session, 403 from a foreign origin, 403 for non-admins where admin-only", async () => {
  const editorName = await createAccount(await ctx());
  // (the first account on the e2e database is an admin; whoever this is, make them an editor)
  await sql("UPDATE users SET role = 'editor' WHERE username_key = $1", [editorName.toLowerCase()]);
  const editor = await signedIn(editorName);
  const title = newTitle("Guarded");
  const created = await editor.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "x\n", baseRevisionId: null } });
  expect(created.status()).toBe(201);
  const revisionId = (await created.json()).revision.id;
  const calls: Call[] = [
    { method: "PUT", path: `/api/pages/${slugPath(title)}`, data: { markdown: "y\n", baseRevisionId: revisionId } },
    { method: "POST", path: `/api/revert/${slugPath(title)}`, data: { revisionId } },
    { method: "POST", path: "/api/preview", data: { markdown: "x" } },
    { method: "POST", path: "/api/tokens", data: {} },
    { method: "DELETE", path: "/api/tokens/nonexistent" },
    { method: "PUT", path: `/api/watch/${slugPath(title)}` },
    { method: "DELETE", path: `/api/watch/${slugPath(title)}` },
    { method: "PATCH", path: "/api/users/me", data: { bio: "x" } },
    { method: "PATCH", path: `/api/admin/users/${editorName}`, data: { role: "admin" }, admin: true },
    { method: "POST", path: `/api/admin/protect/${slugPath(title)}`, data: { level: "admin" }, admin: true },
    { method: "POST", path: "/api/admin/outbox/1/retry", admin: true },
  ];
  const anon = await ctx({ Origin: origin });
  const storage = await editor.storageState();
  const foreign = await ctx({ Origin: "https://evil.example" }, storage);
  for (const call of calls) {
    const send = (c: APIRequestContext) => c.fetch(call.path, { method: call.method, data: call.data });
    const label = `${call.method} ${call.path}`;
    expect((await send(anon)).status(), `${label} without a session`).toBe(401);
    expect((await send(foreign)).status(), `${label} from a foreign origin`).toBe(403);
    if (call.admin) {
      const res = await send(editor);
      expect(res.status(), `${label} as an editor`).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
  }
  const me = await (await editor.get("/api/me")).json();
  expect(me.user.role).toBe("editor");
});

test("admins change roles, block people and protect pages; the API enforces each at once", async () => {
  const adminName = await createAccount(await ctx());
  await makeAdmin(adminName);
  const admin = await signedIn(adminName);
  const editorName = await createAccount(await ctx());
  await sql("UPDATE users SET role = 'editor' WHERE username_key = $1", [editorName.toLowerCase()]);
  const editor = await signedIn(editorName);
  const title = newTitle("Protected");
  let rev = (await (await editor.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "a\n", baseRevisionId: null } })).json()).revision.id;

  expect((await admin.post(`/api/admin/protect/${slugPath(title)}`, { data: { level: "admin" } })).status()).toBe(200);
  const refused = await editor.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "b\n", baseRevisionId: rev } });
  expect(refused.status()).toBe(403);
  const byAdmin = await admin.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "c\n", baseRevisionId: rev } });
  expect(byAdmin.status()).toBe(200);
  rev = (await byAdmin.json()).revision.id;
  await admin.post(`/api/admin/protect/${slugPath(title)}`, { data: { level: "none" } });

  expect((await admin.patch(`/api/admin/users/${editorName}`, { data: { blocked: true } })).status()).toBe(200);
  // a block ends the person's sessions; signed in again, they may read but change nothing
  expect((await editor.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "d\n", baseRevisionId: rev } })).status()).toBe(401);
  const editorAgain = await signedIn(editorName);
  const blocked = await editorAgain.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "d\n", baseRevisionId: rev } });
  expect(blocked.status()).toBe(403);
  expect((await blocked.json()).error.message).toMatch(/blocked/);
  expect((await editorAgain.patch("/api/users/me", { data: { bio: "x" } })).status()).toBe(403);
  await admin.patch(`/api/admin/users/${editorName}`, { data: { blocked: false, role: "reader" } });
  expect((await editorAgain.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "e\n", baseRevisionId: rev } })).status()).toBe(403);
  await admin.patch(`/api/admin/users/${editorName}`, { data: { role: "editor" } });
  expect((await editorAgain.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "f\n", baseRevisionId: rev } })).status()).toBe(200);

  expect((await admin.patch(`/api/admin/users/${editorName}`, { data: { role: "superuser" } })).status()).toBe(400);
  expect((await admin.patch(`/api/admin/users/${adminName}`, { data: { role: "editor" } })).status()).toBe(409);
  expect((await admin.patch(`/api/admin/users/${newUsername("ghost")}`, { data: { role: "editor" } })).status()).toBe(404);
});

test("the pages offer what the rules allow: a blocked author and a blocked admin are offered no Delete on the talk page", async () => {
  const authorName = await createAccount(await ctx());
  const adminName = await createAccount(await ctx());
  await makeAdmin(adminName);
  const title = newTitle("Offered");
  const author = await signedIn(authorName);
  expect((await author.post(`/api/talk/${slugPath(title)}`, { data: { content: "mine" } })).status()).toBe(201);
  const deleteButton = /<button[^>]*>Delete<\/button>/;
  expect(await (await author.get(`/talk/${slugPath(title)}`)).text()).toMatch(deleteButton);
  const admin = await signedIn(adminName);
  expect(await (await admin.get(`/talk/${slugPath(title)}`)).text()).toMatch(deleteButton);
  const otherAdminName = await createAccount(await ctx());
  await makeAdmin(otherAdminName);
  const otherAdmin = await signedIn(otherAdminName);
  for (const name of [authorName, adminName]) {
    expect((await otherAdmin.patch(`/api/admin/users/${name}`, { data: { blocked: true } })).status()).toBe(200);
    const again = await signedIn(name); // a block ended their session; blocked people may still sign in and read
    const page = await (await again.get(`/talk/${slugPath(title)}`)).text();
    expect(page, `${name} is blocked`).not.toMatch(deleteButton);
    expect(page).toContain("Your account is blocked");
  }
});

test("the pages offer what the server allows: a reader, someone blocked, and a protected page get no Edit or Move", async ({ browser }) => {
  const editorName = await createAccount(await ctx());
  await sql("UPDATE users SET role = 'editor' WHERE username_key = $1", [editorName.toLowerCase()]);
  const adminName = await createAccount(await ctx());
  await makeAdmin(adminName);
  const admin = await signedIn(adminName);
  const title = newTitle("Offers");
  const locked = newTitle("Locked");
  for (const t of [title, locked]) expect((await admin.put(`/api/pages/${slugPath(t)}`, { data: { markdown: "offered\n", baseRevisionId: null } })).status()).toBe(201);
  expect((await admin.post(`/api/admin/protect/${slugPath(locked)}`, { data: { level: "admin" } })).status()).toBe(200);
  const offers = async (c: APIRequestContext, t: string) => {
    const [article = "", history = "", talk = ""] = await Promise.all([`/wiki/${slugPath(t)}`, `/history/${slugPath(t)}`, `/talk/${slugPath(t)}`].map(async (p) => (await c.get(p)).text()));
    const edit = new RegExp(`<a href="/edit/${slugPath(t)}"[^>]*>Edit</a>`);
    return { edit: [article, history, talk].map((html) => edit.test(html)), move: article.includes(`href="/move/${slugPath(t)}"`) };
  };
  // an editor is offered both, twice (the second from the kept document), except on the protected page
  const editor = await signedIn(editorName);
  for (let i = 0; i < 2; i++) {
    expect(await offers(editor, title)).toEqual({ edit: [true, true, true], move: true });
    expect(await offers(editor, locked)).toEqual({ edit: [false, false, false], move: false });
  }
  expect(await offers(admin, locked)).toEqual({ edit: [true, true, true], move: true });
  // made a reader, then signed in afresh: nothing the server would refuse is offered, and the server does refuse it
  expect((await admin.patch(`/api/admin/users/${editorName}`, { data: { role: "reader" } })).status()).toBe(200);
  const reader = await signedIn(editorName);
  for (let i = 0; i < 2; i++) expect(await offers(reader, title)).toEqual({ edit: [false, false, false], move: false });
  expect((await reader.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "no\n", baseRevisionId: null } })).status()).toBe(403);
  // signed out: Edit asks them to sign in; Move is not offered
  const anon = await ctx();
  expect(await offers(anon, title)).toEqual({ edit: [true, true, true], move: false });
  // in a browser, the reader's article has no Edit tab and no Move link
  const context = await browser.newContext({ baseURL: origin, storageState: await reader.storageState() });
  const page = await context.newPage();
  await page.goto(`/wiki/${slugPath(title)}`);
  await expect(page.getByRole("navigation", { name: "Page" }).getByRole("link", { name: "History" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Page" }).getByRole("link", { name: "Edit" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Move" })).toHaveCount(0);
  await context.close();
});

test("profile updates: unknown fields like role or blocked are refused (400); changes show on the profile", async () => {
  const name = await createAccount(await ctx());
  const me = await signedIn(name);
  for (const data of [{ role: "admin" }, { blocked: false }, { bio: "x", username: "other" }, { displayName: "" }]) {
    expect((await me.patch("/api/users/me", { data })).status(), JSON.stringify(data)).toBe(400);
  }
  expect((await (await me.get(`/api/users/${name}`)).json()).role).toBe("editor");
  const ok = await me.patch("/api/users/me", { data: { displayName: "Grace H.", bio: "Loves *compilers*" } });
  expect(ok.status()).toBe(200);
  const profile = await (await (await ctx()).get(`/api/users/${name}`)).json();
  expect(profile).toMatchObject({ username: name, displayName: "Grace H.", role: "editor", editCount: 0 });
  expect(profile.bioHtml).toContain("<em>compilers</em>");
  expect((await (await ctx()).get(`/api/users/${newUsername("nobody")}`)).status()).toBe(404);
  const contributions = await (await (await ctx()).get(`/api/contributions/${name}`)).json();
  expect(contributions).toEqual({ revisions: [], next: null });
});

test("personal access tokens: Bearer works without cookies or Origin; wrong and revoked tokens get 401", async () => {
  const name = await createAccount(await ctx());
  const me = await signedIn(name);
  const created = await me.post("/api/tokens", { data: { name: "bot" } });
  expect(created.status()).toBe(201);
  const { token, id } = await created.json();
  const bot = await ctx({ Authorization: `Bearer ${token}` });
  expect((await (await bot.get("/api/me")).json()).user.username).toBe(name);
  const title = newTitle("Bot page");
  expect((await bot.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "from a bot\n", baseRevisionId: null } })).status()).toBe(201);
  const wrong = await ctx({ Authorization: `Bearer ${token}x` });
  expect((await wrong.get("/api/me")).status()).toBe(401);
  expect((await wrong.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "x", baseRevisionId: null } })).status()).toBe(401);
  expect((await me.delete(`/api/tokens/${id}`)).status()).toBe(200);
  expect((await bot.get("/api/me")).status()).toBe(401);
  const list = await (await me.get("/api/tokens")).json();
  expect(JSON.stringify(list)).not.toContain(token);
});

test("password sign-in is rate limited: 429 after repeated failures for one account", async () => {
  const name = await createAccount(await ctx());
  const c = await ctx();
  let last = 0;
  for (let i = 0; i < 7; i++) {
    const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await c.post("/api/auth/callback/credentials", {
      form: { csrfToken, username: name, password: "wrong password!", json: "true" },
      maxRedirects: 0,
    });
    last = res.status();
  }
  expect(last).toBe(429);
  // even the right password waits now: the limit protects the account, not the guess
  const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const right = await c.post("/api/auth/callback/credentials", { form: { csrfToken, username: name, password: PASSWORD, json: "true" } });
  expect(right.status()).toBe(429);
});

test("a sign-in callbackUrl to another site stays on this site", async () => {
  const name = await createAccount(await ctx());
  const c = await ctx();
  const { csrfToken } = (await (await c.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await c.post("/api/auth/callback/credentials", {
    form: { csrfToken, username: name, password: PASSWORD, json: "true", callbackUrl: "https://evil.example/steal" },
  });
  const { url } = (await res.json()) as { url: string };
  expect(new URL(url).origin).toBe(origin);
});

test("magic link: the link from the email signs you in once; unknown addresses get the same answer and no mail", async ({ page, browser }) => {
  const name = await createAccount(await ctx());
  const email = `${name}@example.test`;
  await page.goto("/signin");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  const sentText = "If that address belongs to an account, a sign-in link is on its way.";
  await expect(page.getByRole("status")).toContainText(sentText);
  const [mail] = await waitForMail(email, (m) => /Sign in to Vellum/.test(m.subject ?? ""));
  expect(mail, "the sign-in email arrived").toBeTruthy();
  const link = /https?:\/\/\S+\/api\/auth\/callback\/email\S+/.exec(mail!.text ?? "")![0];
  expect(new URL(link).origin).toBe(origin);
  await page.goto(link);
  await expect(page.getByRole("link", { name })).toBeVisible();

  // replaying the link in a fresh browser does not sign anyone in
  const other = await browser.newContext();
  const replay = await other.newPage();
  await replay.goto(link);
  await expect(replay.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(replay.getByRole("link", { name })).toHaveCount(0);
  await other.close();

  // a forged link (right address, made-up token) does not either
  const forged = new URL(link);
  forged.searchParams.set("token", "0".repeat(64));
  const forger = await browser.newContext();
  const fpage = await forger.newPage();
  await fpage.goto(forged.toString());
  await expect(fpage.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(fpage.getByRole("link", { name })).toHaveCount(0);
  await forger.close();

  const stranger = `${newUsername("stranger")}@example.test`;
  const fresh = await browser.newContext();
  const p = await fresh.newPage();
  await p.goto("/signin");
  await p.getByLabel("Email", { exact: true }).fill(stranger);
  await p.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(p.getByRole("status")).toContainText(sentText);
  // a link would be queued in the request itself (the outbox row exists before the answer): none was
  expect(await sql("SELECT id FROM outbox WHERE lower(to_address) = lower($1)", [stranger])).toEqual([]);
  await fresh.close();
});

test("an editor changes a watched page: the admin and the watcher each get one email with the diff and links", async ({ browser }) => {
  const adminName = await createAccount(await ctx());
  await makeAdmin(adminName);
  const watcherName = await createAccount(await ctx());
  await verifyAddress(await ctx({ Origin: origin }), adminName);
  await verifyAddress(await ctx({ Origin: origin }), watcherName);
  const title = newTitle("Watched");
  const setup = await signedIn(watcherName);
  const r1 = (await (await setup.put(`/api/pages/${slugPath(title)}`, { data: { markdown: "Line one.\nLine two.\n", baseRevisionId: null } })).json()).revision;

  // the watcher watches it from the history page
  const wctx = await browser.newContext();
  const wpage = await wctx.newPage();
  await signInWithPassword(wpage, watcherName);
  await expect(wpage.getByRole("link", { name: watcherName })).toBeVisible();
  await wpage.goto(`/history/${slugPath(title)}`);
  await wpage.getByRole("button", { name: "Watch this page" }).click();
  await expect(wpage.getByRole("button", { name: "Stop watching this page" })).toBeVisible();
  await wctx.close();

  // an editor changes it in the browser
  const ectx = await browser.newContext();
  const epage = await ectx.newPage();
  await signUpInBrowser(epage);
  await epage.goto(`/edit/${slugPath(title)}`);
  await epage.getByLabel("Text (Markdown)").fill("Line one.\nLine 2, rewritten.\n");
  await epage.getByLabel("Summary").fill("rewrite line two");
  await epage.getByRole("button", { name: "Save" }).click();
  await expect(epage.locator("article")).toContainText("rewritten");
  await ectx.close();
  const [{ id: r2 }] = await sql("SELECT latest_revision_id AS id FROM pages WHERE title = $1", [title]);

  for (const who of [adminName, watcherName]) {
    const about = (m: { subject?: string }) => (m.subject ?? "").includes(title) && (m.subject ?? "").includes("changed by");
    const mails = await waitForMail(`${who}@example.test`, (m) => about(m) && (m.text ?? "").includes("rewrite line two"));
    expect(mails, who).toHaveLength(1);
    const text = mails[0]!.text ?? "";
    expect(text).toContain("- Line two.");
    expect(text).toContain("+ Line 2, rewritten.");
    expect(text).toContain(`${origin}/diff?from=${r1.id}&to=${r2}`);
    expect(text).toContain(`${origin}/wiki/${slugPath(title)}`);
    expect(text).toContain(who === adminName ? "you are an administrator" : "you watch this page");
  }
  // one outbox row for the watcher, already sent: no worker on either instance will send it again
  const rows = await sql("SELECT status FROM outbox WHERE to_address = $1 AND position($2 in subject) > 0", [`${watcherName}@example.test`, title]);
  expect(rows, "exactly one message for the watcher, marked sent").toEqual([{ status: "sent" }]);
});

test("a profile edited in the browser shows on the profile page", async ({ page }) => {
  const name = await signUpInBrowser(page);
  await page.goto("/settings");
  await page.getByLabel("Display name").fill("Margaret H.");
  await page.getByLabel("Bio (Markdown)").fill("Wrote the **Apollo** guidance software.");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await page.goto(`/users/${name}`);
  await expect(page.getByRole("heading", { name: "Margaret H." })).toBeVisible();
  await expect(page.getByTestId("bio").locator("strong")).toHaveText("Apollo");
  await saveInEditor(page, newTitle("Contrib"), "my first edit\n", "my first edit");
  await page.goto(`/users/${name}`);
  await expect(page.locator("tbody tr")).toHaveCount(1);
});
