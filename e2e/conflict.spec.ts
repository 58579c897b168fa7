import { test, expect } from "@playwright/test";
import { newTitle, signUpInBrowser, slugPath } from "./fixtures";

test("two people editing the same page: the second sees the conflict screen and keeps their text", async ({ browser }) => {
  const alice = await browser.newContext();
  const bob = await browser.newContext();
  const a = await alice.newPage();
  const b = await bob.newPage();
  await signUpInBrowser(a);
  await signUpInBrowser(b);

  const title = newTitle("Shared");
  await a.goto(`/edit/${slugPath(title)}`);
  await a.getByLabel("Text (Markdown)").fill("The meeting is on Monday.\n");
  await a.getByRole("button", { name: "Save" }).click();
  await expect(a.locator("article")).toContainText("Monday");

  // both open the editor on revision 1
  await a.goto(`/edit/${slugPath(title)}`);
  await b.goto(`/edit/${slugPath(title)}`);
  await a.getByLabel("Text (Markdown)").fill("The meeting is on Tuesday.\n");
  await b.getByLabel("Text (Markdown)").fill("The meeting is on Wednesday.\n");
  await a.getByRole("button", { name: "Save" }).click();
  await expect(a.locator("article")).toContainText("Tuesday");

  await b.getByRole("button", { name: "Save" }).click();
  await expect(b.getByRole("heading", { name: "Edit conflict" })).toBeVisible();
  await expect(b.getByLabel(/Their version/)).toHaveValue("The meeting is on Tuesday.\n");
  await expect(b.getByLabel("Your version")).toHaveValue("The meeting is on Wednesday.\n");

  // saving again, deliberately, replaces their version
  await b.getByLabel("Your version").fill("The meeting is on Tuesday or Wednesday.\n");
  await b.getByRole("button", { name: "Save my version" }).click();
  await expect(b.locator("article")).toContainText("Tuesday or Wednesday");
  await alice.close();
  await bob.close();
});

test("edits that do not overlap are merged without a conflict screen", async ({ browser }) => {
  const alice = await browser.newContext();
  const bob = await browser.newContext();
  const a = await alice.newPage();
  const b = await bob.newPage();
  await signUpInBrowser(a);
  await signUpInBrowser(b);
  const title = newTitle("Merge");
  await a.goto(`/edit/${slugPath(title)}`);
  await a.getByLabel("Text (Markdown)").fill("first paragraph\n\nsecond paragraph\n");
  await a.getByRole("button", { name: "Save" }).click();
  await expect(a.locator("article")).toContainText("first paragraph");

  await a.goto(`/edit/${slugPath(title)}`);
  await b.goto(`/edit/${slugPath(title)}`);
  await a.getByLabel("Text (Markdown)").fill("FIRST paragraph\n\nsecond paragraph\n");
  await b.getByLabel("Text (Markdown)").fill("first paragraph\n\nSECOND paragraph\n");
  await a.getByRole("button", { name: "Save" }).click();
  await expect(a.locator("article")).toContainText("FIRST");
  await b.getByRole("button", { name: "Save" }).click();
  await expect(b.locator("article")).toContainText("FIRST paragraph");
  await expect(b.locator("article")).toContainText("SECOND paragraph");
  await alice.close();
  await bob.close();
});
