// `npm run bench`, the editor (decision 0031), in Chromium: what the article view ships (no script), what the
// editor's first load ships (its script, gzip and brotli, against the budget of 300 KB compressed), what the
// visual mode adds when chosen, and how long a key takes from keydown to the next frame in a 5,000-line page
// in each mode (against 16 ms). Skipped without Chromium.
import { existsSync } from "node:fs";
import { brotliCompressSync, gzipSync } from "node:zlib";

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

/** Scripts a page loads (by URL, from the network): their bytes, gzip and brotli sizes. */
function sizes(bodies) {
  let raw = 0, gzip = 0, brotli = 0;
  for (const body of bodies) {
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
    brotli += brotliCompressSync(body).length;
  }
  return { files: bodies.length, rawKB: kb(raw), gzipKB: kb(gzip), brotliKB: kb(brotli) };
}

/** keydown -> the frame after it, for `n` keys typed in the middle of the text, in page time (ms). */
async function typing(page, n = 120) {
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__keyLatency = [];
    document.addEventListener("keydown", (e) => {
      const start = e.timeStamp;
      requestAnimationFrame(() => setTimeout(() => w.__keyLatency.push(performance.now() - start), 0));
    }, true);
  });
  for (let i = 0; i < n; i++) await page.keyboard.type(i % 10 === 9 ? " " : "x", { delay: 40 });
  await page.waitForFunction((count) => /** @type {any} */ (window).__keyLatency.length >= count, n);
  const all = await page.evaluate(() => /** @type {any} */ (window).__keyLatency);
  const sorted = [...all].sort((a, b) => a - b);
  const at = (q) => +sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
  return { keys: n, p50ms: at(0.5), p95ms: at(0.95), maxMs: +sorted.at(-1).toFixed(1) };
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
    const first = sizes([...scripts.values()]);
    out["editor first load: script files"] = first.files;
    out["editor first load: script KB (uncompressed)"] = first.rawKB;
    out["editor first load: script KB gzip"] = first.gzipKB;
    out["editor first load: script KB brotli"] = first.brotliKB;
    out[`editor first load within ${SCRIPT_BUDGET_KB} KB compressed`] = first.gzipKB <= SCRIPT_BUDGET_KB ? "yes" : "NO";
    const before = new Set(scripts.keys());
    await page.getByRole("button", { name: "Visual" }).click();
    await page.getByRole("textbox", { name: "Text (visual)" }).waitFor();
    await page.waitForLoadState("networkidle");
    const added = sizes([...scripts.entries()].filter(([url]) => !before.has(url)).map(([, body]) => body));
    out["visual mode, loaded when chosen: script KB gzip"] = added.gzipKB;
    // back to Markdown for the next page's first mode (the choice is remembered)
    await page.getByRole("button", { name: "Markdown" }).click();

    for (const mode of ["Markdown", "Visual"]) {
      await page.goto(`${base}/edit/${longTitle}`, { waitUntil: "networkidle" });
      await page.getByRole("button", { name: mode }).click();
      const text = page.getByRole("textbox", { name: mode === "Markdown" ? "Text (Markdown)" : "Text (visual)" });
      await text.waitFor();
      // the cursor in the middle of the page, as someone editing a long page would have it
      if (mode === "Markdown") {
        await page.evaluate(() => {
          const line = [...document.querySelectorAll(".cm-line")].at(0);
          line?.scrollIntoView();
        });
        for (let i = 0; i < 5; i++) await page.keyboard.press("PageDown");
      } else {
        await text.locator("p").nth(1200).click();
      }
      await page.keyboard.press("End");
      const keys = await typing(page);
      out[`typing in a 5,000-line page, ${mode} mode: p50 ms`] = keys.p50ms;
      out[`typing in a 5,000-line page, ${mode} mode: p95 ms`] = keys.p95ms;
      out[`typing in a 5,000-line page, ${mode} mode: max ms`] = keys.maxMs;
    }
    await context.close();
    return out;
  } finally {
    await browser.close();
  }
}
