import { test } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { isCode, makeUser, testPeople, unique } from "@/lib/testing/factories";
import { setWatch } from "./watches";
import { listComments } from "@/lib/talk/list-cache";
import { postComment } from "@/lib/talk/comments";
import { deletePage, movePage, restorePage, revertPage } from "./page-lifecycle";
import { getPageOrThrow, getPageViewOrThrow } from "./page-reads";
import { refreshStaleLinks } from "./startup";
import { savePage } from "./save";
import { listBacklinks, listWanted } from "./links";
import { listHistory } from "./revisions";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ editor: "editor", admin: "admin" });


async function create(title: string, markdown: string) {
  return savePage({ title, markdown, baseRevisionId: null, author: people.editor });
}

/** The titles page `title` links to, as the links table has them. */
async function linksOf(title: string): Promise<string[]> {
  const page = await db().page.findUniqueOrThrow({ where: { title }, select: { id: true } });
  const rows = await db().link.findMany({ where: { sourceId: page.id }, orderBy: { target: "asc" } });
  return rows.map((r) => r.target);
}

/** How the view of `title` shows its link to `target`: "page", "redirect", "missing" (red) or "absent". */
async function linkColour(title: string, target: string): Promise<string> {
  const { html } = await getPageViewOrThrow(title, PUBLIC_ACCESS);
  const slug = target.replaceAll(" ", "_");
  const m = new RegExp(`<a([^>]*) href="/(wiki|edit)/${slug}[^"]*"`).exec(html);
  if (!m) return "absent";
  if (m[2] === "edit" && /class="new"/.test(m[1]!)) return "missing";
  return /class="redirect"/.test(m[1]!) ? "redirect" : "page";
}

test("the links table follows the current text through save, edit and revert", async () => {
  const [a, b, c] = [unique("A"), unique("B"), unique("C")];
  const first = await create(a, `See [[${b}]], [[${b}|again]] and [[${c}#Part]]. Not \`[[${a}-code]]\`.\n`);
  assert.deepEqual(await linksOf(a), [b, c].sort(), "one row per target; none from code");
  const second = await savePage({ title: a, markdown: `Only [[${c}]] now\n`, baseRevisionId: first.revision.id, author: people.editor });
  assert.deepEqual(await linksOf(a), [c]);
  await revertPage({ title: a, revisionId: first.revision.id, author: people.editor });
  assert.deepEqual(await linksOf(a), [b, c].sort());
  assert.ok(second.revision.id > first.revision.id);
});

test("a red link turns blue when its page is created and red again when it is deleted", async () => {
  const [a, b] = [unique("Reader"), unique("Target")];
  await create(a, `Go to [[${b}]].\n`);
  assert.equal(await linkColour(a, b), "missing");
  const viewBefore = await getPageViewOrThrow(a, PUBLIC_ACCESS);
  await create(b, "Here now.\n");
  const viewAfter = await getPageViewOrThrow(a, PUBLIC_ACCESS);
  assert.equal(viewAfter.revision.id, viewBefore.revision.id, "the linking page itself did not change");
  assert.ok(viewAfter.viewVersion > viewBefore.viewVersion, "but its view version did");
  assert.equal(await linkColour(a, b), "page");
  await deletePage({ title: b, reason: "test", author: people.admin });
  assert.equal(await linkColour(a, b), "missing");
  await restorePage({ title: b, author: people.admin });
  assert.equal(await linkColour(a, b), "page");
});

test("links to a redirect show as such; a page turning into a redirect recolours its backlinks", async () => {
  const [a, b, c] = [unique("From"), unique("Mid"), unique("To")];
  await create(c, "Final.\n");
  const mid = await create(b, "Soon a redirect.\n");
  await create(a, `[[${b}]]\n`);
  assert.equal(await linkColour(a, b), "page");
  await savePage({ title: b, markdown: `#REDIRECT [[${c}]]\n`, baseRevisionId: mid.revision.id, author: people.editor });
  assert.equal(await linkColour(a, b), "redirect");
  const page = await getPageOrThrow(b, PUBLIC_ACCESS);
  assert.deepEqual(page.redirectTo, { title: c, slug: c });
  assert.equal((await getPageOrThrow(c, PUBLIC_ACCESS)).redirectTo, null);
});

test("a move takes the history along, leaves a redirect, and recolours links to both titles", async () => {
  const [old, neu, linker] = [unique("Old"), unique("New"), unique("Linker")];
  const made = await create(old, "Text.\n");
  await savePage({ title: old, markdown: "Text, edited.\n", baseRevisionId: made.revision.id, author: people.editor });
  await create(linker, `[[${old}]] and [[${neu}]]\n`);
  assert.equal(await linkColour(linker, neu), "missing");
  const watcher = await makeUser("editor");
  await setWatch(watcher.id, old, true, PUBLIC_ACCESS);
  await postComment({ access: PUBLIC_ACCESS, title: old, content: "Talk that moves along.", author: watcher, clientIp: "192.0.2.99" });
  await listComments(old, PUBLIC_ACCESS); // cached under the old title

  const moved = await movePage({ from: old, to: neu, leaveRedirect: true, author: people.editor });
  assert.equal(moved.redirect, true);
  const history = await listHistory(neu, { limit: 10 }, PUBLIC_ACCESS);
  assert.deepEqual(history.revisions.map((r) => r.kind), ["move", "edit", "create"], "the history moved with the page");
  assert.equal((await getPageOrThrow(neu, PUBLIC_ACCESS)).markdown, "Text, edited.\n");
  const left = await getPageOrThrow(old, PUBLIC_ACCESS);
  assert.deepEqual(left.redirectTo, { title: neu, slug: neu });
  assert.deepEqual(await linksOf(old), [neu]);
  assert.equal(await linkColour(linker, neu), "page");
  assert.equal(await linkColour(linker, old), "redirect");
  const watch = await db().watch.findFirst({ where: { userId: watcher.id, page: { title: neu } } });
  assert.ok(watch, "watches go with the page");
  assert.deepEqual((await listComments(neu, PUBLIC_ACCESS)).comments.map((c) => c.content), ["Talk that moves along."], "and the discussion");
  assert.deepEqual((await listComments(old, PUBLIC_ACCESS)).comments, [], "the redirect's talk page starts empty");
  const mail = await db().outboxMessage.findFirst({ where: { toAddress: `${watcher.username}@example.test`, subject: { contains: `${neu} moved` } } });
  assert.ok(mail, "watchers hear of the move");
});

test("a move without a redirect leaves links to the old title red", async () => {
  const [old, neu, linker] = [unique("Old"), unique("New"), unique("Linker")];
  await create(old, "x\n");
  await create(linker, `[[${old}]]\n`);
  await movePage({ from: old, to: neu, leaveRedirect: false, author: people.editor });
  await assert.rejects(getPageOrThrow(old, PUBLIC_ACCESS), isCode("not_found"));
  assert.equal(await linkColour(linker, old), "missing");
});

test("moves that cannot be: onto a page (409), onto itself (400), a missing page (404), a protected page (403)", async () => {
  const [a, b] = [unique("A"), unique("B")];
  await create(a, "a\n");
  await create(b, "b\n");
  await assert.rejects(movePage({ from: a, to: b, leaveRedirect: true, author: people.editor }), isCode("conflict"));
  await assert.rejects(movePage({ from: a, to: a, leaveRedirect: true, author: people.editor }), isCode("bad_request"));
  await assert.rejects(movePage({ from: unique("Nothing"), to: unique("X"), leaveRedirect: true, author: people.editor }), isCode("not_found"));
  await db().page.update({ where: { title: a }, data: { protection: "admin" } });
  await assert.rejects(movePage({ from: a, to: unique("C"), leaveRedirect: true, author: people.editor }), isCode("forbidden"));
  assert.equal((await getPageOrThrow(a, PUBLIC_ACCESS)).markdown, "a\n", "nothing changed");
  assert.equal((await getPageOrThrow(b, PUBLIC_ACCESS)).markdown, "b\n");
});

test("delete and restore keep the whole history; a title taken meanwhile makes restore a 409", async () => {
  const [t, linker] = [unique("Doomed"), unique("Linker")];
  const made = await create(t, `[[${linker}]]\n`);
  await savePage({ title: t, markdown: `[[${linker}]] v2\n`, baseRevisionId: made.revision.id, author: people.editor });
  await create(linker, `[[${t}]]\n`);
  await assert.rejects(deletePage({ title: t, reason: "spam", author: people.editor }), isCode("forbidden"));
  await deletePage({ title: t, reason: "spam", author: people.admin });
  await assert.rejects(getPageOrThrow(t, PUBLIC_ACCESS), isCode("not_found"));
  assert.deepEqual((await listBacklinks(linker, { limit: 10 }, PUBLIC_ACCESS)).pages, [], "a deleted page links nowhere");
  assert.ok((await listBacklinks(t, { limit: 10 }, PUBLIC_ACCESS)).pages.some((p) => p.title === linker), "its title keeps its backlinks");

  const squatter = await create(t, "new page\n");
  await assert.rejects(restorePage({ title: t, author: people.admin }), isCode("conflict"));
  await movePage({ from: t, to: unique("Elsewhere"), leaveRedirect: false, author: people.editor });

  await restorePage({ title: t, author: people.admin });
  const history = await listHistory(t, { limit: 10 }, PUBLIC_ACCESS);
  assert.deepEqual(history.revisions.map((r) => r.kind), ["restore", "delete", "edit", "create"]);
  assert.equal((await getPageOrThrow(t, PUBLIC_ACCESS)).markdown, `[[${linker}]] v2\n`);
  assert.deepEqual(await linksOf(t), [linker]);
  assert.notEqual(squatter.revision.id, history.revisions[0]!.id);
});

test("wanted pages: missing titles, most linked first, paginated", async () => {
  const [w1, w2] = [unique("Wanted"), unique("Wanted")];
  await create(unique("P"), `[[${w1}]] [[${w2}]]\n`);
  await create(unique("P"), `[[${w1}]]\n`);
  const all: { title: string; links: number }[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await listWanted({ limit: 50, after }, PUBLIC_ACCESS);
    all.push(...page.pages);
    if (!page.next) break;
    after = page.next;
  }
  const i1 = all.findIndex((p) => p.title === w1);
  const i2 = all.findIndex((p) => p.title === w2);
  assert.equal(all[i1]?.links, 2);
  assert.equal(all[i2]?.links, 1);
  assert.ok(i1 < i2, "most linked first");
  await create(w1, "written\n");
  assert.ok(!(await listWanted({ limit: 500 }, PUBLIC_ACCESS)).pages.some((p) => p.title === w1), "a written page is not wanted");
});

test("links read by an older renderer are brought up to date", async () => {
  const [a, b] = [unique("Old render"), unique("Target")];
  await create(a, `[[${b}]]\n`);
  const page = await db().page.findUniqueOrThrow({ where: { title: a }, select: { id: true } });
  await db().link.deleteMany({ where: { sourceId: page.id } });
  await db().page.update({ where: { id: page.id }, data: { linksRenderer: 0 } });
  while ((await refreshStaleLinks()) > 0);
  assert.deepEqual(await linksOf(a), [b]);
});

test("a page with 10,000 links saves and shows them all, coloured", async () => {
  const t = unique("Hub");
  const targets = Array.from({ length: 10_000 }, (_, i) => `${t} target ${i}`);
  await create(targets[0]!, "exists\n");
  await create(t, targets.map((x) => `[[${x}]]`).join(" ") + "\n");
  assert.equal((await linksOf(t)).length, 10_000);
  const { html } = await getPageViewOrThrow(t, PUBLIC_ACCESS);
  assert.equal(html.match(/class="new"/g)?.length, 9_999);
});
