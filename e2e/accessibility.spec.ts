import { test, expect, type APIResponse, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import sharp from "sharp";
import { apiContexts, createAccount, makeAdmin, newTitle, signInApi, slugPath } from "./fixtures";

// axe-core, the engine behind Lighthouse's accessibility audit, over the main pages, signed in as an admin (so the
// admin pages and every signed-in control are there), in the light and the dark colour scheme: no serious or
// critical violation of any rule.
const contexts = apiContexts(() => origin);
let origin: string;
let username: string;
let title: string;
let fileTitle: string;
let privateTitle: string;
const revisions: number[] = [];

test.beforeAll(async ({ baseURL }) => {
  origin = new URL(baseURL!).origin;
  username = await createAccount(await contexts.ctx());
  await makeAdmin(username);
  const api = await contexts.signedIn(username);
  title = newTitle("Accessible");
  const text = (n: number) =>
    `Intro ${n}.\n\n## First section\n\nSee [[Main Page]] and [[Nowhere ${n}]].\n\n## Second section\n\n- a list\n- of items\n\n### Third\n\n| a | b |\n|---|---|\n| 1 | 2 |\n`;
  let base: number | null = null;
  for (const n of [1, 2]) {
    const res: APIResponse = await api.put(`/api/pages/${slugPath(title)}`, { data: { markdown: text(n), baseRevisionId: base } });
    expect(res.ok()).toBeTruthy();
    base = ((await res.json()) as { revision: { id: number } }).revision.id;
    revisions.push(base);
  }
  expect((await api.post(`/api/talk/${slugPath(title)}`, { data: { content: "A comment with **emphasis**." } })).status()).toBe(201);
  // a File page with two versions, shown in a page with code and a formula
  fileTitle = `File:${newTitle("Accessible chart")}.png`;
  for (const colour of ["#2a7", "#a27"]) {
    const png = await sharp({ create: { width: 900, height: 300, channels: 3, background: colour } }).png().toBuffer();
    expect((await api.put(`/api/files/${slugPath(fileTitle)}`, { data: png })).ok()).toBeTruthy();
  }
  const shown = `[[${fileTitle}|A chart]]\n\n\`\`\`js\nconst x = 1; // a comment\n\`\`\`\n\nEuler: $e^{i\\pi} + 1 = 0$\n`;
  expect((await api.put(`/api/pages/${slugPath(title)}%20shown`, { data: { markdown: shown, baseRevisionId: null } })).ok()).toBeTruthy();
  // a private space with a group, so the access page has something in every part and a private page shows its notice
  const group = `a11y_${Date.now().toString(36)}`;
  expect((await api.post("/api/admin/groups", { data: { name: group } })).status()).toBe(201);
  expect((await api.put(`/api/admin/groups/${group}/members/${username}`)).ok()).toBeTruthy();
  privateTitle = slugPath(`${title} space/A private page`);
  expect((await api.put(`/api/admin/spaces/${slugPath(`${title} space`)}`, { data: { read: [`group:${group}`], edit: "editors" } })).ok()).toBeTruthy();
  expect((await api.put(`/api/pages/${privateTitle}`, { data: { markdown: "Only for the group.\n", baseRevisionId: null } })).ok()).toBeTruthy();
});

test.afterAll(() => contexts.disposeAll());

const views = () => [
  `/wiki/${slugPath(title)}`,
  `/edit/${slugPath(title)}`,
  `/history/${slugPath(title)}`,
  `/revision/${revisions[0]}`,
  `/diff?from=${revisions[0]}&to=${revisions[1]}`,
  `/talk/${slugPath(title)}`,
  `/search?q=section`,
  "/recent-changes",
  "/settings",
  "/admin",
  "/admin/access",
  `/wiki/${privateTitle}`,
  `/wiki/${slugPath(fileTitle)}`,
  `/upload/${slugPath(fileTitle)}`,
  `/wiki/${slugPath(title)}%20shown`,
];

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0]?.target.join(" ")}`);
}

for (const scheme of ["light", "dark"] as const) {
  test(`no serious or critical accessibility violations on the main pages, ${scheme} colour scheme`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme });
    await signInApi(context.request, username);
    const page = await context.newPage();
    const found: Record<string, string[]> = {};
    for (const path of views()) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      await page.waitForLoadState("networkidle");
      const violations = await seriousViolations(page);
      if (violations.length) found[path] = violations;
    }
    await context.close();
    expect(found).toEqual({});
  });
}

test("heading anchors are labelled links a keyboard reaches, not hidden ones", async ({ page }) => {
  await page.goto(`/wiki/${slugPath(title)}`);
  const anchor = page.locator("article h2 a.anchor").first();
  await expect(anchor).toHaveAttribute("aria-label", "Link to the section “First section”");
  await expect(anchor).not.toHaveAttribute("aria-hidden", /.*/);
  await expect(page.getByRole("link", { name: "Link to the section “First section”" })).toHaveCount(1);
});

/** Every page a person can reach, for the phone-width check: the main pages and the lists, forms and tools beside them. */
const allViews = () => [
  ...views(),
  `/blame/${slugPath(title)}`,
  `/backlinks/${slugPath(title)}`,
  `/move/${slugPath(title)}`,
  `/wiki/${slugPath(title)}_which_is_missing`,
  `/nowhere-at-all`,
  "/pages",
  "/wanted",
  "/watchlist",
  `/users/${username}`,
  "/admin/cache",
  "/api-docs",
  "/signin",
  "/signup",
];

for (const signedIn of [true, false]) {
  test(`no page is wider than a 390 px phone (${signedIn ? "signed in" : "signed out"}): nothing scrolls sideways`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    if (signedIn) await signInApi(context.request, username);
    const page = await context.newPage();
    const wide: Record<string, string> = {};
    for (const path of allViews()) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      // what sticks out, named, so a failure says which element to fix
      const found = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return null;
        const culprit = [...document.querySelectorAll("body *")].find((e) => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== "fixed");
        return `${document.documentElement.scrollWidth} px wide; first past the edge: ${culprit ? `${culprit.tagName.toLowerCase()}.${[...culprit.classList].join(".")}` : "?"}`;
      });
      if (found) wide[path] = found;
    }
    await context.close();
    expect(wide).toEqual({});
  });
}

test("small things a new person sees: an icon, their own header on a 404, a new token that fits a phone and copies", async ({ browser }) => {
  const icon = await (await contexts.ctx()).get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/");
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  await signInApi(context.request, username);
  const page = await context.newPage();
  for (const path of [`/wiki/${slugPath(title)}`, "/recent-changes"]) {
    await page.goto(path);
    const href = await page.locator('head link[rel="icon"]').first().getAttribute("href");
    expect((await context.request.get(href!)).status(), `${path}: its icon`).toBe(200);
  }
  await page.goto("/no-such-place-at-all");
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page.locator("header").getByRole("link", { name: username })).toBeVisible();
  await expect(page.locator("header").getByRole("link", { name: "Sign in" })).toHaveCount(0);
  await page.goto("/settings");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token.length).toBeGreaterThan(20);
  await page.getByRole("button", { name: "Copy" }).click();
  await expect(page.getByText("Copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  const box = await page.getByTestId("new-token").boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await context.close();
});
