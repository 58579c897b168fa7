import { test } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { RENDER_LIMITS } from "@/lib/markdown/render-pool";
import { newPage, testPeople, unique } from "@/lib/testing/factories";
import { listBacklinks } from "./links";
import { getPageViewOrThrow } from "./page-reads";
import { retryRender } from "./render-retry";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ editor: "editor" });

/** A page whose render takes real work: many links, some in code (which are not links). */
function busyText(target: string, n: number): string {
  const lines = [`Links to [[${target}]] and [[${target}#Part|a part]].`, "```", `[[Not ${target}]] in code`, "```", `\`[[Not ${target} either]]\``];
  for (let i = 0; i < n; i++) lines.push(`- item ${i}: [[Page ${i % 50} of ${target}]] with *emphasis* and \`code\``);
  return lines.join("\n");
}

/** Save with the render deadline at `deadlineMs` of CPU time (a machine so busy that a good page passes it). */
async function savedUnder(deadlineMs: number, markdown: string) {
  const before = RENDER_LIMITS.deadlineMs;
  RENDER_LIMITS.deadlineMs = deadlineMs;
  try {
    return await newPage(people.editor, markdown);
  } finally {
    RENDER_LIMITS.deadlineMs = before;
  }
}

const renderOf = async (revisionId: number) => (await db().revisionRender.findUniqueOrThrow({ where: { revisionId }, select: { gaveUp: true, html: true } }));

test("a render that passes its deadline still records the page's links (read without rendering), and is rendered again when idle", async () => {
  const target = unique("Target");
  const { title, revision } = await savedUnder(5, busyText(target, 6000));
  assert.equal((await renderOf(revision.id)).gaveUp, "deadline", "the save gave up (its deadline forced low)");
  // the link graph is whole at once, code excluded
  assert.ok(JSON.stringify(await listBacklinks(target, { limit: 10 }, PUBLIC_ACCESS)).includes(title), "the page is among the target's backlinks");
  const linked = await db().link.findMany({ where: { sourceId: (await db().page.findUniqueOrThrow({ where: { title } })).id }, select: { target: true } });
  const targets = new Set(linked.map((l) => l.target));
  assert.ok(targets.has(target) && targets.has(`Page 7 of ${target}`), "links recorded from the text");
  assert.ok(!targets.has(`Not ${target}`) && !targets.has(`Not ${target} either`), "links in code are not links");
  assert.match((await getPageViewOrThrow(title, PUBLIC_ACCESS)).html, /render-fallback/);

  // later, idle, with the larger budget: rendered in full, everywhere
  assert.equal(await retryRender(revision.id), "rendered");
  assert.equal((await renderOf(revision.id)).gaveUp, null);
  const view = await getPageViewOrThrow(title, PUBLIC_ACCESS);
  assert.doesNotMatch(view.html, /render-fallback/, "the view shows the rendered page, not the cached fallback");
  assert.match(view.html, /<a [^>]*href="\/edit\/Page_7_of_/, "its links are links");
  assert.equal(await retryRender(revision.id), "skipped", "nothing left to retry");
});

test("text that fails alone, with the larger budget too, keeps its fallback and is not tried again", async () => {
  const { revision } = await savedUnder(5, busyText(unique("Hopeless"), 6000));
  assert.equal(await retryRender(revision.id, 5), "kept-fallback");
  assert.equal((await renderOf(revision.id)).gaveUp, "alone");
  assert.equal(await retryRender(revision.id), "skipped");
});
