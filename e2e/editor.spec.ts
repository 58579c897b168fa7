import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { EVERY_CONSTRUCT } from "../lib/testing/markdown-corpus";
import { INSTANCE_A, markdownOf, newTitle, saveInEditor, signUpInBrowser, slugPath, twoEditors } from "./fixtures";

// The editor, driven by its accessible names as a person would (the HTTP contract's "Writing", decision 0031): both
// modes' toolbars, the `/` menu, list continuation, paste, drafts across a closed page, two people seeing each
// other, and a conflict merged by hand.

const text = (page: Page) => page.getByRole("textbox", { name: /^Text \((Markdown|visual)\)$/ });

async function openEditor(page: Page, title: string, mode: "Markdown" | "Visual" = "Markdown") {
  await page.goto(`/edit/${slugPath(title)}`);
  await page.getByRole("button", { name: mode }).click();
  await expect(page.getByRole("button", { name: mode })).toHaveAttribute("aria-pressed", "true");
  await expect(text(page)).toBeFocused();
}

/** Click a toolbar button, then type: what the contract promises is that the typed text takes the format. */
async function formatThenType(page: Page, name: string, typed: string) {
  await page.getByRole("toolbar", { name: "Formatting" }).getByRole("button", { name, exact: true }).click();
  await page.keyboard.type(typed);
}

test("the editor opens focused; each toolbar button with no selection formats what is typed next (Markdown mode)", async ({ page }) => {
  await signUpInBrowser(page);
  await openEditor(page, newTitle("Toolbar"));
  const cases: [string, string][] = [
    ["Bold", "**loud**"], ["Italic", "_soft_"], ["Code", "`x`"], ["Link", "[[Target]]"],
    ["Heading", "## Agenda"], ["Bulleted list", "- item"], ["Numbered list", "1. first"], ["Task list", "- [ ] todo"], ["Quote", "> said"],
  ];
  for (const [name, expected] of cases) {
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Delete");
    const typed = expected.replace(/^(## |- \[ \] |- |1\. |> )/, "").replace(/^\*\*(.*)\*\*$|^_(.*)_$|^`(.*)`$|^\[\[(.*)\]\]$/, "$1$2$3$4");
    await formatThenType(page, name, typed);
    await expect(markdownOf(page), name).toHaveValue(expected);
  }
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await formatThenType(page, "Table", "Name");
  await expect(markdownOf(page)).toHaveValue(/^\| Name \| Column 2 \|\n\| -+ \| -+ \|\n\|/);
  // the keyboard alone: Tab reaches the toolbar as one stop, arrows move along it
  await page.getByRole("button", { name: "Markdown" }).focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Bold" })).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("button", { name: "Italic" })).toBeFocused();
  await page.keyboard.press("End");
  await expect(page.getByRole("button", { name: "Upload" })).toBeFocused();
});

test("Enter continues a list and ends it on an empty item; the / menu inserts blocks (Markdown mode)", async ({ page }) => {
  await signUpInBrowser(page);
  await openEditor(page, newTitle("Lists"));
  await page.keyboard.type("- one");
  await page.keyboard.press("Enter");
  await page.keyboard.type("two");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await page.keyboard.type("1. first");
  await page.keyboard.press("Enter");
  await page.keyboard.type("second");
  await expect(markdownOf(page)).toHaveValue(/^- one\n- two\n\n*1\. first\n2\. second$/);

  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await page.keyboard.type("/");
  const menu = page.getByRole("listbox", { name: "Blocks" });
  await expect(menu).toBeVisible();
  await page.keyboard.type("tab");
  await expect(menu.getByRole("option")).toHaveText([/^Table/]);
  await page.keyboard.press("Enter");
  await expect(menu).toHaveCount(0);
  await page.keyboard.type("Name");
  await expect(markdownOf(page)).toHaveValue(/2\. second\n\n\| Name \| Column 2 \|/);
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await page.keyboard.type("/");
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("option", { selected: true })).toHaveText(/^Subheading/);
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await page.keyboard.type("no menu");
  await expect(markdownOf(page)).toHaveValue(/\n\/no menu$/);
});

test("the visual mode: toolbar, / menu and lists edit the same Markdown, shown as the page will look", async ({ page }) => {
  await signUpInBrowser(page);
  await openEditor(page, newTitle("Visual"), "Visual");
  await formatThenType(page, "Bold", "loud");
  await formatThenType(page, "Bold", " then plain");
  await expect(markdownOf(page)).toHaveValue("**loud** then plain\n");
  await page.keyboard.press("Enter");
  await formatThenType(page, "Bulleted list", "one");
  await page.keyboard.press("Enter");
  await page.keyboard.type("two");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await page.keyboard.type("/sub");
  await page.getByRole("listbox", { name: "Blocks" }).getByRole("option", { name: /Subheading/ }).click();
  await page.keyboard.type("Later");
  await page.keyboard.press("Enter");
  await formatThenType(page, "Task list", "check");
  await expect(markdownOf(page)).toHaveValue("**loud** then plain\n\n- one\n- two\n\n### Later\n\n- [ ] check\n");
  await expect(page.locator(".visual-text h3")).toHaveText("Later");
  // switching modes keeps the text, and the Markdown mode's preview shows it
  await page.getByRole("button", { name: "Markdown" }).click();
  await expect(page.getByTestId("preview").locator("h3")).toHaveText(/Later/);
  await expect(markdownOf(page)).toHaveValue("**loud** then plain\n\n- one\n- two\n\n### Later\n\n- [ ] check\n");
});

test("opening a page with every construct in Visual and saving without a change makes no revision", async ({ page }) => {
  await signUpInBrowser(page);
  const all = Object.values(EVERY_CONSTRUCT).join("\n");
  for (const [name, markdown] of [...Object.entries(EVERY_CONSTRUCT), ["all", all] as const]) {
    const title = newTitle(`Round trip ${name}`);
    const created = await page.request.put(`${INSTANCE_A}/api/pages/${slugPath(title)}`, { data: { markdown, baseRevisionId: null }, headers: { Origin: INSTANCE_A } });
    expect(created.status(), name).toBe(201);
    await openEditor(page, title, "Visual");
    await expect(markdownOf(page), name).toHaveValue(markdown);
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/wiki\//); // the page (or, for the redirect, where it leads)
    const history = await (await page.request.get(`${INSTANCE_A}/api/history/${slugPath(title)}`)).json() as { revisions: unknown[] };
    expect(history.revisions, `${name}: saving unchanged made a revision`).toHaveLength(1);
  }
});

/** Paste `html` (with its plain text) into the focused editor, as a browser does from another application. */
async function pasteHtml(page: Page, html: string, plain: string) {
  await page.evaluate(({ html, plain }) => {
    const data = new DataTransfer();
    data.setData("text/html", html);
    data.setData("text/plain", plain);
    document.activeElement!.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, { html, plain });
}

const WEB_PAGE = '<meta charset="utf-8"><h2 style="color:red">Release notes</h2><p>Read <a href="https://example.org/x">the guide</a> <b>first</b>, then <em>relax</em>.</p><ul><li>fast</li><li>safe</li></ul>';
const GOOGLE_DOCS = '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><p dir="ltr"><span style="font-weight:700;">Bold</span><span style="font-weight:400;"> words</span></p><ol><li dir="ltr"><p dir="ltr"><span>Step</span></p></li></ol></b>';
const WORD = '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body><p class=MsoNormal><b>Agenda</b><o:p></o:p></p><p class=MsoNormal>Plain <i>italic</i> line<o:p></o:p></p></body></html>';

test("pasting from a web page, Google Docs or Word gives Markdown, not HTML, in both modes", async ({ page }) => {
  await signUpInBrowser(page);
  for (const mode of ["Markdown", "Visual"] as const) {
    await openEditor(page, newTitle(`Paste ${mode}`), mode);
    await pasteHtml(page, WEB_PAGE, "Release notes\nRead the guide first, then relax.\nfast\nsafe");
    await expect(markdownOf(page)).toHaveValue(/## Release notes\n\nRead \[the guide\]\(https:\/\/example\.org\/x\) \*\*first\*\*, then \*relax\*\.\n\n- fast\n- safe/);
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Delete");
    await pasteHtml(page, WORD, "Agenda\nPlain italic line");
    await expect(markdownOf(page)).toHaveValue(/^\*\*Agenda\*\*\n\nPlain \*italic\* line\n?$/);
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Delete");
    await pasteHtml(page, GOOGLE_DOCS, "Bold words\nStep");
    await expect(markdownOf(page)).not.toHaveValue(/<|style=|docs-internal/);
    await expect(markdownOf(page)).toHaveValue(/Bold/);
    await expect(markdownOf(page)).toHaveValue(/1\. Step/);
  }
});

test("a draft survives a closed page: reopening the editor offers it, naming when it was saved", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUpInBrowser(page);
  const title = newTitle("Draft");
  await saveInEditor(page, title, "Saved text.\n", "Saved text.");
  await openEditor(page, title);
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\nUnsaved thoughts.");
  await expect(page.getByRole("status").filter({ hasText: /^Draft saved/ })).toBeVisible({ timeout: 15_000 });
  await page.close({ runBeforeUnload: false });

  const again = await context.newPage();
  await again.goto(`/edit/${slugPath(title)}`);
  await expect(again.getByRole("heading", { name: "You have an unsaved draft" })).toBeVisible();
  await expect(again.getByText(/^Saved (just now|\d)/)).toBeVisible();
  await again.getByRole("button", { name: "Restore draft" }).click();
  await expect(markdownOf(again)).toHaveValue("Saved text.\n\nUnsaved thoughts.");
  await again.getByRole("button", { name: "Save" }).click();
  await expect(again.locator("article")).toContainText("Unsaved thoughts.");
  expect((await again.request.get(`${INSTANCE_A}/api/drafts/${slugPath(title)}`)).status(), "saving deleted the draft").toBe(404);
  await again.goto(`/edit/${slugPath(title)}`);
  await expect(again.getByRole("heading", { name: "You have an unsaved draft" })).toHaveCount(0);
  await context.close();
});

test("two people editing see each other, and a conflict is merged by hand with the other author named", async ({ browser }) => {
  const { a, b, close } = await twoEditors(browser);
  const [aliceName, bobName] = [await userOf(a), await userOf(b)];
  const title = newTitle("Together");
  await saveInEditor(a, title, "The meeting is on Monday.\nBring the slides.\n", "Monday");
  await openEditor(a, title);
  await openEditor(b, title);
  await expect(a.getByText(`${bobName} is editing this page`, { exact: false })).toBeVisible({ timeout: 25_000 });
  await expect(b.getByText(`${aliceName} is editing this page`, { exact: false })).toBeVisible({ timeout: 25_000 });

  await text(a).fill("The meeting is on Tuesday.\nBring the slides.\n");
  await a.getByRole("button", { name: "Save" }).click();
  await expect(a.locator("article")).toContainText("Tuesday");
  await text(b).fill("The meeting is on Wednesday.\nBring the slides.\n");
  await b.getByRole("button", { name: "Save" }).click();

  const conflict = b.getByRole("alert").filter({ hasText: "Edit conflict" });
  await expect(conflict.getByRole("heading", { name: "Edit conflict" })).toBeVisible();
  await expect(conflict).toContainText(`${aliceName} saved this page`);
  await expect(conflict).not.toContainText(/replace their version/i);
  const difference = conflict.getByRole("list", { name: "Differences between their version and yours" }).getByRole("listitem");
  await expect(difference).toHaveCount(1);
  await expect(difference).toContainText("The meeting is on Tuesday.");
  await expect(difference).toContainText("The meeting is on Wednesday.");
  await difference.getByRole("button", { name: "Keep both" }).click();
  await expect(markdownOf(b)).toHaveValue("The meeting is on Tuesday.\nThe meeting is on Wednesday.\nBring the slides.\n");
  await text(b).fill("The meeting is on Tuesday or Wednesday.\nBring the slides.\n");
  await b.getByRole("button", { name: "Save merged text" }).click();
  await expect(b.locator("article")).toContainText("Tuesday or Wednesday");
  await close();
});

async function userOf(page: Page): Promise<string> {
  return ((await (await page.request.get(`${INSTANCE_A}/api/me`)).json()) as { user: { username: string } }).user.username;
}

for (const scheme of ["light", "dark"] as const) {
  test(`axe finds nothing serious in either mode, with the / menu open, ${scheme}`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await signUpInBrowser(page);
    const title = newTitle("Accessible editor");
    await saveInEditor(page, title, EVERY_CONSTRUCT.emphasis + "\n" + EVERY_CONSTRUCT.wikiLinks + "\n" + EVERY_CONSTRUCT.tables, "literal");
    for (const mode of ["Markdown", "Visual"] as const) {
      await openEditor(page, title, mode);
      await page.keyboard.press("Control+End");
      await page.keyboard.press("Enter");
      await page.keyboard.press("Enter");
      await page.keyboard.type("/");
      await expect(page.getByRole("listbox", { name: "Blocks" })).toBeVisible();
      const result = await new AxeBuilder({ page }).analyze();
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      expect(serious, `${mode}, ${scheme}`).toEqual([]);
    }
    await context.close();
  });
}
