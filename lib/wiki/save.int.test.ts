import { test } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { isCode, newPage, testPeople, unique } from "@/lib/testing/factories";
import { getPageOrThrow } from "./page-reads";
import { savePage } from "./save";
import { revertPage } from "./page-lifecycle";
import { getRevisionOrThrow } from "./revisions";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ author: "editor" });

const create = (markdown: string) => newPage(people.author, markdown);

test("create, view, edit", async () => {
  const { title, revision } = await create("# Hello\n\nFirst text.\n");
  assert.equal(revision.number, 1);
  const page = await getPageOrThrow(title, PUBLIC_ACCESS);
  assert.equal(page.markdown, "# Hello\n\nFirst text.\n");
  assert.match(page.html, /<p>First text.<\/p>/);
  assert.equal(page.revision.author?.username, people.author.username);

  const edit = await savePage({ title, markdown: "# Hello\n\nSecond text.\n", summary: "reword", baseRevisionId: revision.id, author: people.author });
  assert.equal(edit.status, "updated");
  assert.equal(edit.merged, false);
  assert.equal(edit.revision.number, 2);
  assert.equal(edit.revision.summary, "reword");
  assert.equal((await getPageOrThrow(title, PUBLIC_ACCESS)).revision.id, edit.revision.id);
  const old = await getRevisionOrThrow(revision.id, PUBLIC_ACCESS);
  assert.equal(old.markdown, "# Hello\n\nFirst text.\n", "old revisions never change");
  assert.equal(old.isLatest, false);
});

test("a null edit saves nothing", async () => {
  const { title, revision } = await create("same\n");
  const r = await savePage({ title, markdown: "same\n", baseRevisionId: revision.id, author: people.author });
  assert.equal(r.status, "unchanged");
  assert.equal(r.revision.id, revision.id);
  assert.equal(await db().revision.count({ where: { page: { title } } }), 1);
});

test("creating a page that exists is an edit conflict carrying the current text", async () => {
  const { title, revision } = await create("original\n");
  await assert.rejects(savePage({ title, markdown: "other\n", baseRevisionId: null, author: people.author }), (e: unknown) => {
    assert.ok(isCode("edit_conflict")(e));
    assert.deepEqual((e as AppError).details.current, { revisionId: revision.id, markdown: "original\n" });
    const saved = (e as AppError).details.currentRevision as { author: { username: string } };
    assert.equal(saved.author.username, people.author.username, "and who saved it");
    return true;
  });
});

test("a stale base whose changes do not overlap is merged three-way", async () => {
  const { title, revision } = await create("top\n\nmiddle\n\nbottom\n");
  await savePage({ title, markdown: "TOP\n\nmiddle\n\nbottom\n", baseRevisionId: revision.id, author: people.author });
  const r = await savePage({ title, markdown: "top\n\nmiddle\n\nBOTTOM\n", baseRevisionId: revision.id, author: people.author });
  assert.equal(r.merged, true);
  assert.equal(r.revision.number, 3);
  assert.equal((await getPageOrThrow(title, PUBLIC_ACCESS)).markdown, "TOP\n\nmiddle\n\nBOTTOM\n", "both edits kept");
});

test("a stale base whose changes overlap is refused with 409 and saves nothing", async () => {
  const { title, revision } = await create("line\n");
  const theirs = await savePage({ title, markdown: "their line\n", baseRevisionId: revision.id, author: people.author });
  await assert.rejects(savePage({ title, markdown: "my line\n", baseRevisionId: revision.id, author: people.author }), (e: unknown) => {
    assert.ok(isCode("edit_conflict")(e));
    assert.deepEqual((e as AppError).details.current, { revisionId: theirs.revision.id, markdown: "their line\n" });
    return true;
  });
  assert.equal(await db().revision.count({ where: { page: { title } } }), 2);
});

test("a base revision of another page is a conflict, not a merge", async () => {
  const a = await create("a\n");
  const b = await create("b\n");
  await assert.rejects(savePage({ title: a.title, markdown: "x\n", baseRevisionId: b.revision.id, author: people.author }), isCode("edit_conflict"));
});

test("editing a page that does not exist with a base revision is a 404", async () => {
  await assert.rejects(savePage({ title: unique("Missing"), markdown: "x", baseRevisionId: 1, author: people.author }), isCode("not_found"));
});

test("revert restores an old revision's text as a new revision", async () => {
  const { title, revision: first } = await create("version one\n");
  const second = await savePage({ title, markdown: "version two\n", baseRevisionId: first.id, author: people.author });
  const r = await revertPage({ title, revisionId: first.id, author: people.author });
  assert.equal(r.status, "updated");
  assert.equal(r.revision.number, 3);
  assert.match(r.revision.summary, /Reverted to revision 1/);
  assert.equal((await getPageOrThrow(title, PUBLIC_ACCESS)).markdown, "version one\n");
  assert.equal((await getRevisionOrThrow(second.revision.id, PUBLIC_ACCESS)).markdown, "version two\n", "history is kept");
  const again = await revertPage({ title, revisionId: first.id, author: people.author });
  assert.equal(again.status, "unchanged");
  const other = await create("other\n");
  await assert.rejects(revertPage({ title, revisionId: other.revision.id, author: people.author }), isCode("not_found"));
});

test("50 concurrent saves from one base: exactly one wins, the other 49 get edit_conflict, nothing lost or duplicated", async () => {
  const { title, revision } = await create("the contested line\n");
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) =>
      savePage({ title, markdown: `writer ${i} was here\n`, baseRevisionId: revision.id, author: people.author }),
    ),
  );
  const wins = results.filter((r) => r.status === "fulfilled");
  const losses = results.filter((r) => r.status === "rejected");
  assert.equal(wins.length, 1);
  assert.equal(losses.length, 49);
  for (const l of losses) assert.ok(isCode("edit_conflict")((l as PromiseRejectedResult).reason));
  const winner = (wins[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof savePage>>>).value;
  const revisions = await db().revision.findMany({ where: { page: { title } }, orderBy: { number: "asc" } });
  assert.deepEqual(revisions.map((r) => r.number), [1, 2], "no duplicate or lost revision");
  const page = await getPageOrThrow(title, PUBLIC_ACCESS);
  assert.equal(page.revision.id, winner.revision.id);
  assert.match(page.markdown, /^writer \d+ was here\n$/);
});

test("20 concurrent creations of one new page: exactly one creates it", async () => {
  const title = unique("Race");
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) => savePage({ title, markdown: `creator ${i}\n`, baseRevisionId: null, author: people.author })),
  );
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  for (const r of results.filter((r) => r.status === "rejected")) {
    assert.ok(isCode("edit_conflict")((r as PromiseRejectedResult).reason));
  }
  assert.equal(await db().revision.count({ where: { page: { title } } }), 1);
});
