import { test, expect } from "@playwright/test";
import { makeAdmin, newTitle, newUsername, signUpInBrowser, slugPath } from "./fixtures";
import { mediawikiDump, mediawikiPage, mediawikiRevision } from "../lib/testing/mediawiki-export";

/** A MediaWiki export of two pages (three revisions by two authors and an IP editor), titles of this run only. */
function exportOf(cats: string, dogs: string, dbname: string): string {
  const ada = "<username>Ada Lovelace</username>";
  return mediawikiDump(
    mediawikiPage(cats, 1,
      mediawikiRevision(1, "2015-06-01T10:00:00Z", "'''Cats''' purr.", ada) +
      mediawikiRevision(2, "2016-07-02T11:00:00Z", "'''Cats''' purr.\n\n== Food ==\n* Fish\n* [[" + dogs + "|Dog food]]", "<ip>192.0.2.7</ip>")) +
    mediawikiPage(dogs, 2, mediawikiRevision(3, "2017-08-03T12:00:00Z", "Dogs ''bark''. {{Citation needed}}", ada)),
    { dbname },
  );
}

test("an admin imports a MediaWiki export from the admin page: progress and outcome show, pages keep their history and authors", async ({ page }) => {
  const admin = await signUpInBrowser(page, newUsername("importer"));
  await makeAdmin(admin);
  const [cats, dogs] = [newTitle("Imported cats"), newTitle("Imported dogs")];
  const dump = Buffer.from(exportOf(cats, dogs, newUsername("wiki")));
  await page.goto("/admin");
  await page.getByLabel(/MediaWiki XML export/).setInputFiles({ name: "export.xml", mimeType: "application/xml", buffer: dump });
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText(/Imported 2 pages, 3 revisions, 1 new person; 0 pages skipped\./);
  await expect(page.locator("[data-testid^=import-]").first()).toContainText("done");
  await expect(page.locator("[data-testid^=import-]").first()).toContainText("2 pages, 3 revisions");

  await page.goto(`/wiki/${slugPath(cats)}`);
  await expect(page.locator("article strong")).toHaveText("Cats");
  await expect(page.getByRole("heading", { level: 2 })).toContainText("Food");
  await expect(page.locator("article").getByRole("link", { name: "Dog food" })).toHaveAttribute("href", `/wiki/${slugPath(dogs)}`);
  await page.goto(`/history/${slugPath(cats)}`);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("Ada_Lovelace");
  await expect(rows.nth(1)).toContainText("2015");
  await expect(rows.nth(0)).toContainText("—"); // the IP editor stays anonymous
  await page.goto(`/wiki/${slugPath(dogs)}`);
  await expect(page.locator("article code")).toHaveText("{{Citation needed}}"); // a template is kept, visibly

  // importing the same export again adds nothing
  await page.goto("/admin");
  await page.getByLabel(/MediaWiki XML export/).setInputFiles({ name: "export.xml", mimeType: "application/xml", buffer: dump });
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText(/Imported 0 pages, 0 revisions, 0 new people/);
});
