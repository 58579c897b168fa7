import { test, expect } from "@playwright/test";
import { markdownOf, newTitle, saveInEditor, slugPath, twoEditors } from "./fixtures";

test("two people editing the same page: the second sees the conflict screen and keeps their text", async ({ browser }) => {
  const { a, b, close } = await twoEditors(browser);
  const title = newTitle("Shared");
  await saveInEditor(a, title, "The meeting is on Monday.\n", "Monday");

  // both open the editor on revision 1
  await a.goto(`/edit/${slugPath(title)}`);
  await b.goto(`/edit/${slugPath(title)}`);
  await a.getByLabel("Text (Markdown)").fill("The meeting is on Tuesday.\n");
  await b.getByLabel("Text (Markdown)").fill("The meeting is on Wednesday.\n");
  await a.getByRole("button", { name: "Save" }).click();
  await expect(a.locator("article")).toContainText("Tuesday");

  await b.getByRole("button", { name: "Save" }).click();
  await expect(b.getByRole("heading", { name: "Edit conflict" })).toBeVisible();
  await expect(b.getByLabel("Their version", { exact: true })).toHaveValue("The meeting is on Tuesday.\n");
  await expect(markdownOf(b)).toHaveValue("The meeting is on Wednesday.\n");

  // merged by hand, then saved on top of their version
  await b.getByLabel("Text (Markdown)").fill("The meeting is on Tuesday or Wednesday.\n");
  await b.getByRole("button", { name: "Save merged text" }).click();
  await expect(b.locator("article")).toContainText("Tuesday or Wednesday");
  await close();
});

test("edits that do not overlap are merged without a conflict screen", async ({ browser }) => {
  const { a, b, close } = await twoEditors(browser);
  const title = newTitle("Merge");
  await saveInEditor(a, title, "first paragraph\n\nsecond paragraph\n", "first paragraph");

  await a.goto(`/edit/${slugPath(title)}`);
  await b.goto(`/edit/${slugPath(title)}`);
  await a.getByLabel("Text (Markdown)").fill("FIRST paragraph\n\nsecond paragraph\n");
  await b.getByLabel("Text (Markdown)").fill("first paragraph\n\nSECOND paragraph\n");
  await a.getByRole("button", { name: "Save" }).click();
  await expect(a.locator("article")).toContainText("FIRST");
  await b.getByRole("button", { name: "Save" }).click();
  await expect(b.locator("article")).toContainText("FIRST paragraph");
  await expect(b.locator("article")).toContainText("SECOND paragraph");
  await close();
});
