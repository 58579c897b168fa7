import { test, expect, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { apiContexts, createAccount, makeAdmin, signInApi, slugPath, sql } from "./fixtures";

// The admin pages for groups, spaces and the audit log, in a browser (decision 0029): an administrator makes a
// group, adds someone, keeps a prefix to the group, and the page it covers is the group's alone; then takes the
// person out again. The keyboard alone drives the forms.
test.describe.configure({ mode: "serial" });

const contexts = apiContexts(() => origin);
let origin: string;
const hex = randomBytes(4).toString("hex");
const group = `team_${hex}`;
const prefix = `Team ${hex}`;
const title = `${prefix}/Roadmap`;
let admin: string;
let member: string;
let outsider: string;

test.beforeAll(async ({ baseURL }) => {
  origin = new URL(baseURL!).origin;
  const c = await contexts.ctx();
  [admin, member, outsider] = [await createAccount(c), await createAccount(c), await createAccount(c)];
  await makeAdmin(admin);
  await sql("UPDATE users SET role = 'editor' WHERE username_key = ANY($1)", [[member, outsider].map((n) => n.toLowerCase())]);
});

test.afterAll(() => contexts.disposeAll());

async function signedInPage(browser: import("@playwright/test").Browser, username: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await signInApi(context.request, username);
  return context.newPage();
}

test("an administrator makes a group, adds a member and keeps a prefix to it, with the keyboard alone", async ({ browser }) => {
  const page = await signedInPage(browser, admin);
  await page.goto("/admin");
  await page.getByRole("link", { name: "Groups, spaces and the audit log" }).click();
  await expect(page.getByRole("heading", { name: "Groups and spaces", level: 1 })).toBeVisible();
  await page.getByRole("textbox", { name: "New group" }).focus();
  await page.keyboard.type(group);
  await page.keyboard.press("Enter");
  const card = page.getByTestId(`group-${group}`);
  await expect(card).toBeVisible();
  await card.getByRole("textbox", { name: "Add a member" }).focus();
  await page.keyboard.type(member);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId(`group-${group}`).getByRole("link", { name: member })).toBeVisible();

  const form = page.getByRole("form", { name: "New space" });
  await form.getByLabel("Title prefix").fill(prefix);
  await form.getByLabel("Only these (and administrators)").check();
  await form.getByLabel("Readers").fill(`group:${group}`);
  await form.getByRole("button", { name: "Create space" }).click();
  const space = page.getByTestId(`space-${prefix}`);
  await expect(space).toContainText(`Read: group:${group}`);
  await expect(page.locator("table.list")).toContainText("space.set");
  await expect(page.locator("table.list")).toContainText("member.add");
  await page.context().close();
});

test("the member reads the space's page with who may read it; an outsider finds nothing, and may not open the editor there", async ({ browser }) => {
  const insider = await signedInPage(browser, member);
  await insider.goto(`/edit/${slugPath(title)}`);
  await insider.getByLabel("Text (Markdown)").fill("The plan for next year.");
  await insider.getByRole("button", { name: "Save" }).click();
  await expect(insider.locator("article")).toContainText("The plan for next year.");
  await expect(insider.locator(".private-notice")).toContainText(`members of ${group}`);
  const other = await signedInPage(browser, outsider, { width: 390, height: 844 });
  const res = await other.goto(`/wiki/${slugPath(title)}`);
  expect(res?.status()).toBe(404);
  await expect(other.locator("body")).not.toContainText("The plan for next year.");
  await other.goto(`/edit/${slugPath(`${prefix}/Another`)}`);
  await expect(other.locator(".notice")).toContainText(`in the space “${prefix}”`);
  await expect(other.getByLabel("Text (Markdown)")).toHaveCount(0);
  await other.goto(`/search?q=${encodeURIComponent("plan for next year")}`);
  await expect(other.locator("main")).not.toContainText("Roadmap");
  await insider.context().close();
  await other.context().close();
});

test("taken out of the group, the member finds nothing there at once; the audit log says who did what", async ({ browser }) => {
  const page = await signedInPage(browser, admin, { width: 390, height: 844 });
  await page.goto("/admin/access");
  await page.getByRole("button", { name: `Remove ${member} from ${group}` }).click();
  await expect(page.getByTestId(`group-${group}`).getByRole("link", { name: member })).toHaveCount(0);
  await expect(page.locator("table.list tbody tr").first()).toContainText("member.remove");
  await expect(page.locator("table.list tbody tr").first()).toContainText(admin);
  const former = await signedInPage(browser, member);
  const res = await former.goto(`/wiki/${slugPath(title)}`);
  expect(res?.status()).toBe(404);
  await page.context().close();
  await former.context().close();
});

test("a space everyone reads but only a group edits: its page offers Edit to the group alone", async ({ browser }) => {
  const api = await contexts.signedIn(admin);
  const board = `Board ${hex}`;
  expect((await api.post("/api/admin/groups", { data: { name: `w_${hex}` } })).status()).toBe(201);
  expect((await api.put(`/api/admin/groups/w_${hex}/members/${member}`)).status()).toBe(200);
  expect((await api.put(`/api/admin/spaces/${slugPath(board)}`, { data: { read: "everyone", edit: [`group:w_${hex}`] } })).status()).toBe(200);
  expect((await api.put(`/api/pages/${slugPath(`${board}/Minutes`)}`, { data: { markdown: "Minutes.\n", baseRevisionId: null } })).status()).toBe(201);
  const writer = await signedInPage(browser, member);
  await writer.goto(`/wiki/${slugPath(`${board}/Minutes`)}`);
  await expect(writer.getByRole("link", { name: "Edit", exact: true })).toBeVisible();
  const other = await signedInPage(browser, outsider);
  await other.goto(`/wiki/${slugPath(`${board}/Minutes`)}`);
  await expect(other.locator("article")).toContainText("Minutes.");
  await expect(other.getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
  await expect(other.getByRole("link", { name: "Move", exact: true })).toHaveCount(0);
  await other.goto(`/history/${slugPath(`${board}/Minutes`)}`);
  await expect(other.getByRole("link", { name: "Edit", exact: true })).toHaveCount(0);
  await writer.context().close();
  await other.context().close();
});
