import { test } from "node:test";
import assert from "node:assert/strict";
import { renderBounded, renderCounters } from "./render-pool";

test("an ordinary page renders in a worker, in full", async () => {
  const { rendered, gaveUp } = await renderBounded("# Title\n\nSome *text*.");
  assert.equal(gaveUp, null);
  assert.match(rendered.html, /<em>text<\/em>/);
});

test("a render past its deadline gives up cleanly: the text is shown escaped, and the next render works", async () => {
  // marked's emphasis parsing is quadratic here: ~2 s for 40 KB on this machine, far more for 400 KB
  const hostile = "_a".repeat(200_000) + "<script>alert(1)</script>";
  const before = renderCounters.deadlines;
  const { rendered, gaveUp } = await renderBounded(hostile);
  assert.equal(gaveUp, "deadline");
  assert.equal(renderCounters.deadlines, before + 1);
  assert.match(rendered.html, /too complex to format/);
  assert.ok(rendered.html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(!rendered.html.includes("<script>"));
  const next = await renderBounded("still *works*");
  assert.equal(next.gaveUp, null);
  assert.match(next.rendered.html, /<em>works<\/em>/);
});

test("while a slow render runs, the event loop keeps serving", async () => {
  const slow = renderBounded("_a".repeat(200_000));
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  await slow;
  clearInterval(timer);
  assert.ok(ticks >= 20, `the event loop ran ${ticks} timer callbacks during the render`);
});

test("pathological nesting (2,000 block quotes) answers with the text, not a stack overflow", async () => {
  const { rendered } = await renderBounded(">".repeat(2000) + " deep");
  assert.match(rendered.html, /too complex to format/);
});

test("many renders at once all finish (queued over the pool's workers)", async () => {
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => renderBounded(`page ${i}`)));
  assert.deepEqual(results.map((r) => r.rendered.html), results.map((_, i) => `<p>page ${i}</p>\n`));
});
