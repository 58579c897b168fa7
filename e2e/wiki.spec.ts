import { test, expect } from "@playwright/test";
import { newTitle, newUsername, saveInEditor, signUpInBrowser, PASSWORD, slugPath } from "./fixtures";

test("sign up, sign out, sign in, create a page, edit it, see history, open a diff, revert", async ({ page }) => {
  const username = await signUpInBrowser(page, newUsername("editor"));

  // sign out and back in
  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("link", { name: username })).toBeVisible();

  // a missing page invites its creation
  const title = newTitle("Guide");
  const response = await page.goto(`/wiki/${slugPath(title)}`);
  expect(response?.status()).toBe(404);
  await page.getByRole("link", { name: "Create this page" }).click();

  // create, with the live preview
  await expect(page.getByRole("heading", { name: `Creating ${title}` })).toBeVisible();
  await page.getByLabel("Text (Markdown)").fill("# Welcome\n\nThe **first** version.\n");
  await expect(page.getByTestId("preview").locator("strong")).toHaveText("first");
  await page.getByLabel("Summary").fill("start the guide");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(new RegExp(`/wiki/${slugPath(title)}$`));
  await expect(page.locator("article strong")).toHaveText("first");

  // edit
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await page.getByLabel("Text (Markdown)").fill("# Welcome\n\nThe **second** version.\n");
  await page.getByLabel("Summary").fill("improve wording");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("article strong")).toHaveText("second");

  // history shows both revisions with author and summary
  await page.getByRole("link", { name: "History", exact: true }).first().click();
  await expect(page.getByRole("heading", { name: `History of ${title}` })).toBeVisible();
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("improve wording");
  await expect(rows.nth(0)).toContainText(username);
  await expect(rows.nth(1)).toContainText("start the guide");

  // diff with word-level highlighting
  await page.getByRole("button", { name: "Compare selected revisions" }).click();
  await expect(page.getByRole("heading", { name: `Changes to ${title}` })).toBeVisible();
  await expect(page.getByTestId("diff").locator("del")).toHaveText("first");
  await expect(page.getByTestId("diff").locator("ins")).toHaveText("second");

  // revert to the first revision
  await page.getByRole("link", { name: "Back to history" }).click();
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Revert to revision 1" }).click();
  await expect(page).toHaveURL(new RegExp(`/wiki/${slugPath(title)}$`));
  await expect(page.locator("article strong")).toHaveText("first");
  await page.getByRole("link", { name: "History", exact: true }).first().click();
  await expect(page.locator("tbody tr")).toHaveCount(3);
  await expect(page.locator("tbody tr").first()).toContainText("Reverted to revision 1");
});

test("an old revision can be viewed and says it is old", async ({ page }) => {
  await signUpInBrowser(page);
  const title = newTitle("Old");
  await saveInEditor(page, title, "old words\n", "old words");
  await saveInEditor(page, title, "new words\n", "new words");
  await page.goto(`/history/${slugPath(title)}`);
  await page.locator("tbody tr").nth(1).getByRole("link", { name: /#1/ }).click();
  await expect(page.locator(".notice")).toContainText("This is an old revision");
  await expect(page.locator("article")).toContainText("old words");
});

test("signed-out visitors can read but are sent to sign in to edit", async ({ page }) => {
  await page.goto(`/edit/${slugPath(newTitle("Locked"))}`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("the Blame tab: each line beside the change and author that brought it, a band per author, a revert keeping the original author", async ({ page, browser }) => {
  const title = newTitle("Blamed");
  const first = await signUpInBrowser(page, newUsername("first"));
  await saveInEditor(page, title, "Alpha line.\n\nBeta line.\n", "Alpha line.");
  const other = await browser.newPage();
  const second = await signUpInBrowser(other, newUsername("second"));
  await saveInEditor(other, title, "Alpha line.\n\nBeta line, improved.\n\nGamma line.\n", "Gamma line.");

  await other.getByRole("link", { name: "Blame", exact: true }).first().click();
  await expect(other.getByRole("heading", { name: `Blame of ${title}` })).toBeVisible();
  const row = (text: string) => other.locator("table.blame tbody tr", { hasText: text });
  await expect(row("Alpha line.")).toContainText(first);
  await expect(row("Beta line, improved.")).toContainText(second);
  await expect(row("Gamma line.")).toHaveClass(/band-\d/);
  // the change that brought a line links to its diff
  await row("Beta line, improved.").getByRole("link", { name: "#2" }).click();
  await expect(other.getByRole("heading", { name: `Changes to ${title}` })).toBeVisible();

  // a revert to revision 1 brings back the first author's lines as theirs
  await other.goto(`/history/${slugPath(title)}`);
  other.once("dialog", (d) => d.accept());
  await other.getByRole("button", { name: "Revert to revision 1" }).click();
  await expect(other.locator("article")).toContainText("Beta line.");
  await other.goto(`/blame/${slugPath(title)}`);
  // one run, revision 1 by the first author, from the first line to the last
  await expect(other.locator("table.blame tbody tr").first()).toContainText(first);
  await expect(other.locator("table.blame tr.run-start")).toHaveCount(1);
  await expect(other.locator("table.blame tbody tr", { hasText: second })).toHaveCount(0);
  await other.close();
});
