// `npm run bench`, the editor (decision 0031), in Chromium: what the article view ships (no script), what the
// editor's first load ships (its script as served, gzip, and brotli's size, against the budget of 300 KB
// compressed), what the visual mode adds when chosen, and the main thread's work per key typed in a 5,000-line
// page in each mode (against 16 ms), beside a plain text field's. Skipped without Chromium.
import { existsSync } from "node:fs";
import http from "node:http";
import { brotliCompressSync } from "node:zlib";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCRIPT_BUDGET_KB = 300;
export const KEY_BUDGET_MS = 16;

/** A 5,000-line page of the kinds of Markdown people write: headings, lists, links, emphasis, code, tables. */
export function longPage(lines = 5000) {
  const out = [];
  for (let i = 0; out.length < lines; i++) {
    if (i % 50 === 0) out.push(`## Section ${i / 50 + 1}`, "");
    else if (i % 17 === 0) out.push("```js", `const value${i} = compute(${i}); // line ${i}`, "```", "");
    else if (i % 11 === 0) out.push(`- item ${i} with a [[Link ${i}]]`, `- another *item* ${i}`, "");
    else if (i % 29 === 0) out.push("| a | b |", "|---|---|", `| ${i} | **${i * 2}** |`, "");
    else out.push(`Paragraph ${i}: some **bold** words, a [link](https://example.org/${i}) and \`code\` in a line of ordinary length.`, "");
  }
  return out.slice(0, lines).join("\n") + "\n";
}

const kb = (n) => +(n / 1024).toFixed(1);

/** The bytes the server sends for `url` to a client that accepts gzip (what goes over the wire). */
function servedGzip(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { "Accept-Encoding": "gzip" } }, (res) => {
      let n = 0;
      res.on("data", (c) => (n += c.length));
      res.on("end", () => resolve({ bytes: n, gzip: res.headers["content-encoding"] === "gzip" }));
    }).on("error", reject);
  });
}

/** Scripts a page loaded (URL -> body): their bytes, what the server sends gzipped, and brotli's size. */
async function sizes(scripts) {
  let raw = 0, gzip = 0, brotli = 0, plain = 0;
  for (const [url, body] of scripts) {
    raw += body.length;
    const served = await servedGzip(url);
    gzip += served.bytes;
    if (!served.gzip) plain++;
    brotli += brotliCompressSync(body).length;
  }
  return { files: scripts.length, rawKB: kb(raw), gzipKB: kb(gzip), brotliKB: kb(brotli), uncompressedFiles: plain };
}

/**
 * The renderer's main-thread work per key, for `n` keys typed where the cursor is (Chromium's own counters, read
 * through the DevTools protocol before and after): script, style and layout, which must fit a 16 ms frame for
 * typing never to drop one.
 */
async function typing(page, cdp, n = 100) {
  const metrics = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  await page.waitForTimeout(1000); // what opening the page started is done
  const before = await metrics();
  for (let i = 0; i < n; i++) await page.keyboard.type(i % 10 === 9 ? " " : "x", { delay: 50 });
  await page.waitForTimeout(500);
  const after = await metrics();
  const per = (k) => ((after[k] - before[k]) * 1000) / n;
  const work = per("ScriptDuration") + per("RecalcStyleDuration") + per("LayoutDuration");
  return { workMs: +work.toFixed(1), scriptMs: +per("ScriptDuration").toFixed(1), layoutMs: +(per("RecalcStyleDuration") + per("LayoutDuration")).toFixed(1) };
}

/**
 * The editor's numbers: `base` an instance, `cookie` a signed-in session, `title` an article, `longTitle` a page
 * of longPage()'s text.
 */
export async function benchEditor({ base, cookie, title, longTitle }) {
  if (!existsSync(CHROMIUM)) return null;
  const { chromium } = await import("@playwright/test");
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const out = {};
    // the article view, signed out: no script at all
    const article = await (await fetch(`${base}/wiki/${title}`)).text();
    out["article view: script elements"] = (article.match(/<script\b/g) ?? []).length;

    const context = await browser.newContext();
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name, value: value.join("="), url: base }]);
    const page = await context.newPage();
    const scripts = new Map();
    page.on("response", async (res) => {
      if (res.request().resourceType() === "script" && res.ok()) scripts.set(res.url(), await res.body().catch(() => Buffer.alloc(0)));
    });
    await page.goto(`${base}/edit/${title}`, { waitUntil: "networkidle" });
    await page.getByRole("textbox", { name: "Text (Markdown)" }).waitFor();
    const first = await sizes([...scripts.entries()]);
    out["editor first load: script files"] = first.files;
    out["editor first load: script KB (uncompressed)"] = first.rawKB;
    out["editor first load: script KB as served (gzip)"] = first.gzipKB;
    out["editor first load: script files served uncompressed"] = first.uncompressedFiles;
    out["editor first load: script KB brotli"] = first.brotliKB;
    out[`editor first load within ${SCRIPT_BUDGET_KB} KB compressed`] = first.gzipKB <= SCRIPT_BUDGET_KB ? "yes" : "NO";
    const before = new Set(scripts.keys());
    await page.getByRole("button", { name: "Visual" }).click();
    await page.getByRole("textbox", { name: "Text (visual)" }).waitFor();
    await page.waitForLoadState("networkidle");
    const added = await sizes([...scripts.entries()].filter(([url]) => !before.has(url)));
    out["visual mode, loaded when chosen: script KB as served (gzip)"] = added.gzipKB;
    // back to Markdown for the next page's first mode (the choice is remembered)
    await page.getByRole("button", { name: "Markdown" }).click();

    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    for (const mode of ["Summary", "Markdown", "Visual"]) {
      await page.goto(`${base}/edit/${longTitle}`, { waitUntil: "networkidle" });
      if (mode === "Summary") {
        // the reference: a plain text field on the same page (what typing itself costs here)
        await page.getByLabel("Summary").click();
      } else {
        await page.getByRole("button", { name: mode }).click();
        const text = page.getByRole("textbox", { name: mode === "Markdown" ? "Text (Markdown)" : "Text (visual)" });
        await text.waitFor();
        // the cursor well into the page, as someone editing a long page would have it
        if (mode === "Markdown") for (let i = 0; i < 5; i++) await page.keyboard.press("PageDown");
        else await text.locator("p").nth(1200).click();
        await page.keyboard.press("End");
      }
      const keys = await typing(page, cdp);
      const name = mode === "Summary" ? "a plain text field (the reference)" : `${mode} mode`;
      out[`typing in a 5,000-line page, ${name}: main-thread work per key ms (script + style and layout)`] = `${keys.workMs} (${keys.scriptMs} + ${keys.layoutMs})`;
      if (mode !== "Summary") out[`typing in a 5,000-line page, ${name}: within ${KEY_BUDGET_MS} ms a key`] = keys.workMs <= KEY_BUDGET_MS ? "yes" : "NO";
    }
    await context.close();
    return out;
  } finally {
    await browser.close();
  }
}
