import { test } from "node:test";
import assert from "node:assert/strict";
import { isCode, newPage, testPeople, unique } from "@/lib/testing/factories";
import { db } from "@/lib/db";
import { savePage } from "./save";
import { deletePage, movePage, restorePage, revertPage } from "./page-lifecycle";
import { fillBlames, readBlame } from "./blame";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ ann: "editor", bob: "editor", admin: "admin" });

/** Each line of the blame as "text=author". */
async function who(title: string, revision: number | null = null) {
  const blame = await readBlame(title, revision, PUBLIC_ACCESS);
  return blame.lines.map((l) => `${l.text}=${l.revision.author?.username === people.ann.username ? "ann" : l.revision.author?.username === people.bob.username ? "bob" : l.revision.author?.username}`);
}

test("blame names who brought each line, through edits, a revert, an undo by hand, a move, a delete and a restore", async () => {
  const { title, revision: r1 } = await newPage(people.ann, "# Cats\nCats sleep.\nCats purr.");
  const r2 = await savePage({ title, markdown: "# Cats\nCats sleep a lot.\nCats purr.\nCats hunt.", baseRevisionId: r1.id, author: people.bob });
  assert.deepEqual(await who(title), ["# Cats=ann", "Cats sleep a lot.=bob", "Cats purr.=ann", "Cats hunt.=bob"]);
  // bob's edit replaced by ann's text: a revert to revision 1 brings ann's lines back as hers
  const r3 = await savePage({ title, markdown: "Nothing here.", baseRevisionId: r2.revision.id, author: people.bob });
  const reverted = await revertPage({ title, revisionId: r1.id, author: people.bob });
  assert.deepEqual(await who(title), ["# Cats=ann", "Cats sleep.=ann", "Cats purr.=ann"]);
  // an undo typed by hand (the text of a recent revision) is a revert too
  await savePage({ title, markdown: "Nothing here.", baseRevisionId: reverted.revision.id, author: people.admin });
  const latest = await db().page.findUniqueOrThrow({ where: { title }, select: { latestRevisionId: true } });
  const undone = await savePage({ title, markdown: "# Cats\nCats sleep.\nCats purr.", baseRevisionId: latest.latestRevisionId, author: people.admin });
  assert.deepEqual(await who(title), ["# Cats=ann", "Cats sleep.=ann", "Cats purr.=ann"]);
  // an old revision's blame is its own
  assert.deepEqual(await who(title, r3.revision.id), ["Nothing here.=bob"]);
  // moves, deletes and restores keep every line's author
  const to = unique("Moved cats");
  await movePage({ from: title, to, leaveRedirect: true, author: people.bob });
  assert.deepEqual(await who(to), ["# Cats=ann", "Cats sleep.=ann", "Cats purr.=ann"]);
  assert.deepEqual(await who(title), [`#REDIRECT [[${to}]]=bob`, "=bob"]);
  await deletePage({ title: to, reason: "test", author: people.admin });
  await assert.rejects(readBlame(to, null, PUBLIC_ACCESS), isCode("not_found"));
  await restorePage({ title: to, author: people.admin });
  const blame = await readBlame(to, null, PUBLIC_ACCESS);
  assert.deepEqual(blame.lines.map((l) => l.revision.number), [1, 1, 1], "each line names revision 1");
  assert.equal(blame.lines.map((l) => l.text).join("\n"), "# Cats\nCats sleep.\nCats purr.");
  assert.ok(undone.revision.id > 0);
});

test("revisions saved before blame existed are filled in order, by a read or the background fill", async () => {
  const { title, revision: r1 } = await newPage(people.ann, "one\ntwo");
  const r2 = await savePage({ title, markdown: "one\ntwo\nthree", baseRevisionId: r1.id, author: people.bob });
  const r3 = await savePage({ title, markdown: "zero\none\ntwo\nthree", baseRevisionId: r2.revision.id, author: people.ann });
  await db().revisionBlame.deleteMany({ where: { revisionId: { in: [r1.id, r2.revision.id, r3.revision.id] } } });
  assert.deepEqual(await who(title), ["zero=ann", "one=ann", "two=ann", "three=bob"], "a read fills what it needs");
  await db().revisionBlame.deleteMany({ where: { revisionId: { in: [r2.revision.id, r3.revision.id] } } });
  assert.equal(await fillBlames(Date.now() + 30_000), true);
  assert.equal(await db().revisionBlame.count({ where: { revisionId: { in: [r2.revision.id, r3.revision.id] } } }), 2);
  assert.deepEqual(await who(title, r2.revision.id), ["one=ann", "two=ann", "three=bob"]);
});

test("a 5,000-line page: every line named, joined lines give the text, a one-line edit changes one origin", async () => {
  const text = Array.from({ length: 5000 }, (_, i) => `Line ${i} of a long page.`).join("\n");
  const { title, revision } = await newPage(people.ann, text);
  const lines = text.split("\n");
  lines[2500] = "Changed by bob.";
  await savePage({ title, markdown: lines.join("\n"), baseRevisionId: revision.id, author: people.bob });
  const blame = await readBlame(title, null, PUBLIC_ACCESS);
  assert.equal(blame.lines.length, 5000);
  assert.equal(blame.lines.map((l) => l.text).join("\n"), lines.join("\n"));
  const byBob = blame.lines.flatMap((l, i) => (l.revision.author?.username === people.bob.username ? [i] : []));
  assert.deepEqual(byBob, [2500]);
});

test("blame of a missing page, or of another page's revision, is not found", async () => {
  const a = await newPage(people.ann, "a");
  const b = await newPage(people.ann, "b");
  await assert.rejects(readBlame(unique("Nowhere"), null, PUBLIC_ACCESS), isCode("not_found"));
  await assert.rejects(readBlame(a.title, b.revision.id, PUBLIC_ACCESS), isCode("not_found"));
});
