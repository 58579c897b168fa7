import { test, expect, type APIRequestContext, type Page } from "@playwright/test";
import sharp from "sharp";
import { INSTANCE_A, INSTANCE_B, markdownOf, newTitle, signUpInBrowser, slugPath, sql, twoInstanceContexts } from "./fixtures";

// Files and images in Chromium and over HTTP against both instances (they share PostgreSQL and memcached): the
// editor takes dropped, pasted and picked files; File pages, versions and reverts; embeds change on every instance
// at once; nothing in a file runs.
const c = twoInstanceContexts();

const png = (width: number, height: number, colour = "#2a7") =>
  sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
const fileTitle = (ext = "png") => `File:${newTitle("Pic")}.${ext}`;

async function upload(title: string, bytes: Buffer, ctx = c.editorA) {
  const res = await ctx.put(`/api/files/${slugPath(title)}`, { data: bytes, headers: { "Content-Type": "application/octet-stream" } });
  expect([200, 201], await res.text()).toContain(res.status());
  return (await res.json()) as { file: { url: string; version: { id: number; width: number; height: number; sha256: string } } };
}

/** The width and height of the image a signed-out reader of `title` sees for `file` ("red" for a red link). */
async function embedAsSeen(ctx: APIRequestContext, title: string, file: string) {
  const html = await (await ctx.get(`/wiki/${slugPath(title)}`)).text();
  const slug = file.replaceAll(" ", "_");
  const img = new RegExp(`<a class="image" href="/wiki/${slug}"><img src="([^"]+)" alt="[^"]*" width="(\\d+)" height="(\\d+)"`).exec(html);
  if (img) return { src: img[1]!, size: `${img[2]}x${img[3]}` };
  return new RegExp(`<a class="new" href="/upload/${slug}"`).test(html) ? "red" : "absent";
}

test("the HTTP contract: upload, versions, immutable URLs with ranges and 304s, widths, /file redirects", async () => {
  const title = fileTitle();
  const bytes = await png(640, 480);
  const created = await c.editorA.put(`/api/files/${slugPath(title)}?summary=${encodeURIComponent("A test image")}`, { data: bytes });
  expect(created.status()).toBe(201);
  const { file } = (await created.json()) as { file: { title: string; slug: string; url: string; version: Record<string, unknown> } };
  expect(file.title).toBe(title);
  expect(file.slug).toBe(title.replaceAll(" ", "_"));
  expect(file.version).toMatchObject({ number: 1, size: bytes.length, contentType: "image/png", width: 640, height: 480, summary: "A test image" });
  expect(file.version.sha256).toMatch(/^[0-9a-f]{64}$/);
  const again = await c.editorA.put(`/api/files/${slugPath(title)}`, { data: bytes });
  expect(again.status()).toBe(200);
  expect((await again.json()).unchanged).toBe(true);
  for (const ctx of [c.anonA, c.anonB]) {
    const got = await ctx.get(file.url);
    expect(got.status()).toBe(200);
    expect(Buffer.from(await got.body()).equals(bytes)).toBe(true);
    const h = got.headers();
    expect(h["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["content-security-policy"]).toMatch(/sandbox/);
    expect(h["content-security-policy"]).toMatch(/default-src 'none'/);
    const etag = h.etag!;
    expect((await ctx.get(file.url, { headers: { "If-None-Match": etag } })).status()).toBe(304);
    const part = await ctx.get(file.url, { headers: { Range: "bytes=8-15" } });
    expect(part.status()).toBe(206);
    expect(part.headers()["content-range"]).toBe(`bytes 8-15/${bytes.length}`);
    expect(Buffer.from(await part.body()).equals(bytes.subarray(8, 16))).toBe(true);
    const head = await ctx.head(file.url);
    expect(head.status()).toBe(200);
    expect(head.headers()["content-length"]).toBe(String(bytes.length));
  }
  const small = await c.anonB.get(`${file.url}?width=200`);
  expect(small.status()).toBe(200);
  const meta = await sharp(Buffer.from(await small.body())).metadata();
  expect(meta.width).toBeLessThanOrEqual(200);
  expect(meta.height! / meta.width!).toBeCloseTo(480 / 640, 1);
  const redirect = await c.anonB.get(`/file/${slugPath(title)}`, { maxRedirects: 0 });
  expect(redirect.status()).toBe(302);
  expect(redirect.headers().location).toBe(file.url);
  for (const res of [redirect, await c.anonB.get("/media/999999/none.png"), await c.anonB.get(`/file/${slugPath(fileTitle())}`)]) {
    expect(res.headers()["x-content-type-options"]).toBe("nosniff"); // every answer under /media and /file, errors too
    expect(res.headers()["content-security-policy"]).toMatch(/sandbox/);
  }
  const info = (await (await c.anonB.get(`/api/files/${slugPath(title)}`)).json()) as { versions: unknown[]; usedOn: unknown[]; next: unknown };
  expect(info.versions).toHaveLength(1);
  expect(info.usedOn).toEqual([]);
});

test("an embed changes on the other instance at once, signed out, through uploads, new versions, deletes and restores", async () => {
  const [page, file] = [newTitle("Gallery"), fileTitle()];
  const res = await c.editorA.put(`/api/pages/${slugPath(page)}`, { data: { markdown: `Look: [[${file}|The view]]`, baseRevisionId: null } });
  expect(res.status()).toBe(201);
  expect(await embedAsSeen(c.anonB, page, file)).toBe("red");
  expect(await embedAsSeen(c.anonB, page, file)).toBe("red"); // the second answer comes from B's front cache
  const missing = await c.anonB.get(`/wiki/${slugPath(file)}`);
  expect(missing.status()).toBe(404);
  expect(await missing.text()).toContain(`href="/upload/${file.replaceAll(" ", "_")}"`); // the invitation is to upload it
  const first = await upload(file, await png(400, 200));
  expect(await embedAsSeen(c.anonB, page, file)).toMatchObject({ size: "400x200" });
  const seen = (await embedAsSeen(c.anonB, page, file)) as { src: string };
  expect((await c.anonB.get(seen.src)).status()).toBe(200);
  expect((await c.anonB.get(first.file.url)).status()).toBe(200); // now kept by B's front as a hot file
  await upload(file, await png(200, 300, "#a22"));
  expect(await embedAsSeen(c.anonB, page, file)).toMatchObject({ size: "200x300" });
  expect(await embedAsSeen(c.anonA, page, file)).toMatchObject({ size: "200x300" });
  expect((await c.adminA.delete(`/api/pages/${slugPath(file)}`, { data: { reason: "test" } })).status()).toBe(200);
  expect(await embedAsSeen(c.anonB, page, file)).toBe("red");
  expect((await c.anonB.get(first.file.url)).status()).toBe(404);
  expect((await c.anonA.get(first.file.url)).status()).toBe(404);
  expect((await c.adminA.post(`/api/restore/${slugPath(file)}`, { data: {} })).status()).toBe(200);
  expect(await embedAsSeen(c.anonB, page, file)).toMatchObject({ size: "200x300" });
  expect((await c.anonB.get(first.file.url)).status()).toBe(200);
});

/** Put `bytes` as a file named `name` into the page's drop or paste event (what a browser hands the editor). */
async function giveFile(page: Page, how: "drop" | "paste", name: string, bytes: Buffer) {
  await page.locator(".cm-content").evaluate(
    (el, { how, name, data }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], name, { type: "image/png" }));
      const event = how === "drop"
        ? new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true })
        : new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true });
      el.dispatchEvent(event);
    },
    { how, name, data: [...bytes] },
  );
}

test("in the browser: drop and paste images into the editor, see them in the preview, save, see them on the page", async ({ page }) => {
  await signUpInBrowser(page);
  const title = newTitle("Screenshots");
  await page.goto(`/edit/${slugPath(title)}`);
  const text = page.getByLabel("Text (Markdown)");
  await text.fill("Before the pictures.\n\n");
  await giveFile(page, "drop", "diagram.png", await png(300, 150, "#36c"));
  await expect(markdownOf(page)).toHaveValue(/\[\[File:diagram(?: \(\d+\))?\.png\]\]/);
  await giveFile(page, "paste", "image.png", await png(120, 90, "#c63"));
  await expect(markdownOf(page)).toHaveValue(/\[\[File:Pasted image [^\]]+\.png\]\]/);
  const preview = page.getByTestId("preview");
  await expect(preview.locator("img")).toHaveCount(2);
  await page.keyboard.press("Control+s"); // the shortcut saves
  await expect(page).toHaveURL(new RegExp(`/wiki/${slugPath(title).replace(/[()]/g, "\\$&")}$`));
  const images = page.locator("article img");
  await expect(images).toHaveCount(2);
  for (const img of await images.all()) {
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
    expect(await img.getAttribute("loading")).toBe("lazy");
    expect(Number(await img.getAttribute("width"))).toBeGreaterThan(0);
  }
});

test("in the browser: the toolbar and shortcuts format the selection; the Upload button inserts the file", async ({ page }) => {
  await signUpInBrowser(page);
  await page.goto(`/edit/${slugPath(newTitle("Toolbar"))}`);
  const text = page.getByLabel("Text (Markdown)");
  await text.fill("word");
  await text.selectText();
  await page.keyboard.press("Control+b");
  await expect(markdownOf(page)).toHaveValue("**word**");
  await text.selectText();
  await page.getByRole("button", { name: "Italic" }).click();
  await expect(markdownOf(page)).toHaveValue("_**word**_");
  await text.fill("Target");
  await text.selectText();
  await page.keyboard.press("Control+k");
  await expect(markdownOf(page)).toHaveValue("[[Target]]");
  await text.press("End");
  await page.getByTestId("upload-input").setInputFiles({ name: "chart.png", mimeType: "image/png", buffer: await png(50, 40) });
  await expect(markdownOf(page)).toHaveValue(/^\[\[Target\]\]\[\[File:chart(?: \(\d+\))?\.png\]\]$/);
});

test("in the browser: the File page shows the file and its versions; a new version, then a revert to the first", async ({ page }) => {
  await signUpInBrowser(page);
  const title = fileTitle();
  await page.goto(`/upload/${slugPath(title)}`);
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "a.png", mimeType: "image/png", buffer: await png(320, 200) });
  await page.getByLabel("Description").fill("The first picture");
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.locator(".file-panel img")).toHaveAttribute("width", "320");
  await expect(page.locator("article")).toContainText("The first picture");
  await page.getByRole("link", { name: "Upload a new version" }).click();
  await page.getByLabel("New version", { exact: true }).setInputFiles({ name: "b.png", mimeType: "image/png", buffer: await png(100, 100) });
  await page.getByRole("button", { name: "Upload new version" }).click();
  await expect(page.locator(".file-panel img")).toHaveAttribute("width", "100");
  await expect(page.locator(".file-versions tbody tr")).toHaveCount(2);
  await page.goto(`/upload/${slugPath(title)}`);
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Revert to version 1" }).click();
  await expect(page).toHaveURL(/\/wiki\//);
  await expect(page.locator(".file-panel img")).toHaveAttribute("width", "320");
  await expect(page.locator(".file-versions tbody tr")).toHaveCount(3);
  await page.goto(`/history/${slugPath(title)}`);
  await expect(page.getByText("file uploaded").first()).toBeVisible();
});

test("an SVG with a script is refused; one smuggled past the check and opened directly runs nothing", async ({ page }) => {
  const hostile = '<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'pwned\'"><script>document.title="pwned"; fetch("/api/me")</script><rect width="9" height="9"/></svg>';
  const refused = await c.editorA.put(`/api/files/${slugPath(fileTitle("svg"))}`, { data: Buffer.from(hostile) });
  expect(refused.status()).toBe(400);
  // smuggle: store a harmless SVG, then swap its bytes for the hostile ones in PostgreSQL
  const title = fileTitle("svg");
  const { file } = await upload(title, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect width="9" height="9"/></svg>'));
  await sql("UPDATE blob_chunks SET data = $2 WHERE sha256 = $1", [file.version.sha256, Buffer.from(hostile)]);
  await sql("UPDATE blobs SET size = $2 WHERE sha256 = $1", [file.version.sha256, Buffer.byteLength(hostile)]);
  const direct = await c.anonB.get(file.url);
  expect(direct.headers()["content-disposition"]).toMatch(/^attachment;/);
  expect(direct.headers()["content-security-policy"]).toMatch(/sandbox/);
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  let dialog = false;
  page.on("dialog", (d) => {
    dialog = true;
    void d.dismiss();
  });
  const download = page.waitForEvent("download").catch(() => null);
  await page.goto(`${INSTANCE_B}${file.url}`).catch(() => null); // an attachment: the browser saves it, shows nothing
  await download;
  // and shown as an image in a page of the wiki, an SVG never runs script
  await page.goto(`${INSTANCE_B}/wiki/Main_Page`);
  await page.evaluate(async (src) => {
    const img = document.createElement("img");
    img.src = src;
    document.body.append(img);
    await img.decode().catch(() => {});
  }, file.url);
  expect(dialog).toBe(false);
  expect(requests.some((u) => u.includes("/api/me"))).toBe(false);
  expect(await page.title()).not.toBe("pwned");
});

for (const scheme of ["light", "dark"] as const) {
  test(`code is highlighted and math typeset, readable in ${scheme} mode, with nothing from another site`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme, baseURL: INSTANCE_A });
    const page = await context.newPage();
    const title = newTitle("Maths");
    const res = await c.editorA.put(`/api/pages/${slugPath(title)}`, {
      data: { markdown: "Euler: $e^{i\\pi} + 1 = 0$\n\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$\n\n```js\nconst answer = 42; // the answer\n```\n", baseRevisionId: null },
    });
    expect(res.status()).toBe(201);
    const elsewhere: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).origin !== INSTANCE_A) elsewhere.push(r.url());
    });
    await page.goto(`/wiki/${slugPath(title)}`);
    await expect(page.locator(".katex")).toHaveCount(2);
    expect(await page.locator(".katex .katex-html").first().evaluate((e) => getComputedStyle(e).fontFamily)).toContain("KaTeX");
    await expect(page.locator(".math-display .katex-display")).toHaveCount(1);
    const keyword = page.locator("pre code .hljs-keyword").first();
    await expect(keyword).toHaveText("const");
    const contrast = await keyword.evaluate((el) => {
      const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: number[]) => {
        const [r, g, b] = c.map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const fg = lum(rgb(getComputedStyle(el).color));
      const bg = lum(rgb(getComputedStyle(el.closest("pre")!).backgroundColor));
      const plain = getComputedStyle(el.closest("code")!).color;
      return { ratio: (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05), differs: plain !== getComputedStyle(el).color };
    });
    expect(contrast.differs).toBe(true);
    expect(contrast.ratio).toBeGreaterThanOrEqual(4.5);
    expect(elsewhere).toEqual([]);
    await context.close();
  });
}
