import { test } from "node:test";
import assert from "node:assert/strict";
import { isCode, newPage, testPeople, unique } from "@/lib/testing/factories";
import { savePage } from "./save";
import { deletePage } from "./page-lifecycle";
import { listHistory, getRevisionOrThrow, diffRevisions, getRenderedRevision } from "./revisions";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ author: "editor", admin: "admin" });

const create = (markdown: string) => newPage(people.author, markdown);

test("history of 120 revisions pages newest first, 50 at a time, with size deltas", async () => {
  const { title, revision } = await create("x");
  let base = revision.id;
  for (let i = 2; i <= 120; i++) {
    const r = await savePage({ title, markdown: "x".repeat(i), summary: `edit ${i}`, baseRevisionId: base, author: people.author });
    base = r.revision.id;
  }
  const seen: number[] = [];
  let before: number | undefined;
  const pageSizes: number[] = [];
  for (;;) {
    const h = await listHistory(title, { limit: 50, before }, PUBLIC_ACCESS);
    pageSizes.push(h.revisions.length);
    for (const r of h.revisions) {
      seen.push(r.number);
      assert.equal(r.size, r.number);
      assert.equal(r.sizeDelta, 1, "each revision is one byte longer than its parent");
    }
    if (!h.next) break;
    before = Number(h.next);
  }
  assert.deepEqual(pageSizes, [50, 50, 20]);
  assert.deepEqual(seen, Array.from({ length: 120 }, (_, i) => 120 - i), "every revision once, newest first");
});

test("diff between two revisions rebuilds both texts", async () => {
  const { title, revision } = await create("a\nb\nc\n");
  const r2 = await savePage({ title, markdown: "a\nB\nc\nd\n", baseRevisionId: revision.id, author: people.author });
  const d = await diffRevisions(revision.id, r2.revision.id, PUBLIC_ACCESS);
  assert.equal(d.changes.filter((c) => c.op !== "insert").map((c) => c.text).join(""), "a\nb\nc\n");
  assert.equal(d.changes.filter((c) => c.op !== "delete").map((c) => c.text).join(""), "a\nB\nc\nd\n");
  const other = await create("z\n");
  await assert.rejects(diffRevisions(revision.id, other.revision.id, PUBLIC_ACCESS), isCode("bad_request"));
});

test("a revision of a deleted page is not found until the page is restored; a missing one is a 404", async () => {
  const { title, revision } = await create("Soon gone.\n");
  assert.equal((await getRevisionOrThrow(revision.id, PUBLIC_ACCESS)).page.title, title);
  await deletePage({ title, reason: "test", author: people.admin });
  await assert.rejects(getRevisionOrThrow(revision.id, PUBLIC_ACCESS), isCode("not_found"));
  await assert.rejects(getRevisionOrThrow(2 ** 31 - 1, PUBLIC_ACCESS), isCode("not_found"));
  await assert.rejects(listHistory(unique("Never"), { limit: 5 }, PUBLIC_ACCESS), isCode("not_found"));
});

test("a revision's kept render carries its links and headings, and is the same on every read", async () => {
  const { revision } = await create("# One\n\n## Two\n\n### Three\n\nSee [[Somewhere]].\n");
  const first = await getRenderedRevision(revision.id);
  assert.deepEqual(first.links.map((l) => l.title), ["Somewhere"]);
  assert.deepEqual(first.toc.map((h) => h.text), ["One", "Two", "Three"]);
  assert.deepEqual(await getRenderedRevision(revision.id), first);
});
