import { test, expect } from "@playwright/test";
import { newTitle, signUpInBrowser, slugPath } from "./fixtures";

const PAYLOAD = [
  "<script>alert('script')</script>",
  "<img src=x onerror=\"alert('img')\">",
  "<svg onload=\"alert('svg')\"></svg>",
  "[click me](javascript:alert('link'))",
  "<a href=\"javascript:alert('a')\">a link</a>",
  "<details open ontoggle=\"alert('details')\"><summary>s</summary></details>",
  "<iframe srcdoc=\"<script>parent.alert('iframe')</script>\"></iframe>",
].join("\n\n");

test("an XSS payload typed in the editor and summary never executes: preview, page, history, diff", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  await signUpInBrowser(page);
  const title = newTitle("Hostile");
  await page.goto(`/edit/${slugPath(title)}`);
  await page.getByLabel("Text (Markdown)").fill(`# Safe heading\n\n${PAYLOAD}\n`);
  await expect(page.getByTestId("preview")).toContainText("Safe heading");
  await page.getByLabel("Summary").fill(`<img src=x onerror="alert('summary')"> summary`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("article h1")).toContainText("Safe heading");

  // the link is defused, and clicking it does nothing
  await page.locator("article a", { hasText: "click me" }).click();
  await page.goto(`/history/${slugPath(title)}`);
  await expect(page.locator("tbody tr").first()).toContainText("summary");
  await page.goto(`/wiki/${slugPath(title)}`);
  expect(await page.locator("article script, article iframe, article svg, article [onerror], article [ontoggle]").count()).toBe(0);
  expect(await page.locator('article a[href^="javascript"]').count()).toBe(0);

  // a second revision with more of the payload, then the diff between the two and the old revision itself
  await page.goto(`/edit/${slugPath(title)}`);
  await page.getByLabel("Text (Markdown)").fill(`# Safe heading\n\n${PAYLOAD}\n\n<img src=y onerror="alert('second')">\n`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("article h1")).toContainText("Safe heading");
  const history = (await (await page.request.get(`/api/history/${slugPath(title)}`)).json()) as { revisions: { id: number }[] };
  const [newer, older] = history.revisions.map((r) => r.id);
  await page.goto(`/diff?from=${older}&to=${newer}`);
  await expect(page.getByTestId("diff")).toContainText("onerror");
  expect(await page.locator("[data-testid=diff] script, [data-testid=diff] img, [data-testid=diff] [onerror]").count()).toBe(0);
  await page.goto(`/revision/${older}`);
  await expect(page.locator("article h1")).toContainText("Safe heading");
  expect(await page.locator("article script, article iframe, article svg, article [onerror], article [ontoggle]").count()).toBe(0);
  expect(dialogs).toEqual([]);
});
