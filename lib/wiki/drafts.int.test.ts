import { test } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { isCode, makeUser, newPage, testPeople, unique } from "@/lib/testing/factories";
import { accessOf, PUBLIC_ACCESS } from "@/lib/auth/access";
import { setSpace } from "@/lib/people/spaces";
import { deleteDraft, editorsOf, endPresence, getDraft, putDraft, renewPresence, MAX_DRAFTS_PER_PERSON } from "./drafts";
import { savePage } from "./save";

const people = testPeople({ alice: "editor", bob: "editor", reader: "reader", admin: "admin" });

/** Make the draft look older than the one-a-second limit, as if written a while ago. */
const age = (userId: string, title: string) => db().draft.updateMany({ where: { userId, title }, data: { savedAt: new Date(Date.now() - 60_000) } });

test("a draft is one person's own, kept per title, replaced as it changes and gone when the page is saved", async () => {
  const { title, revision } = await newPage(people.alice, "first\n");
  const alice = await accessOf(people.alice);
  await assert.rejects(getDraft(title, people.alice, alice), isCode("not_found"), "no draft yet");
  const kept = await putDraft(title, { markdown: "first\n\nmore", baseRevisionId: revision.id }, people.alice, alice);
  assert.equal(kept.markdown, "first\n\nmore");
  assert.equal(kept.baseRevisionId, revision.id);
  assert.ok(Math.abs(Date.parse(kept.savedAt) - Date.now()) < 60_000);
  await assert.rejects(getDraft(title, people.bob, await accessOf(people.bob)), isCode("not_found"), "Bob never sees Alice's draft");
  await assert.rejects(putDraft(title, { markdown: "again", baseRevisionId: revision.id }, people.alice, alice), isCode("rate_limited"),
    "written again within a second: refused, and the draft before stays");
  assert.equal((await getDraft(title, people.alice, alice)).markdown, "first\n\nmore");
  await age(people.alice.id, title);
  assert.equal((await putDraft(title, { markdown: "first\n\nmore text", baseRevisionId: revision.id }, people.alice, alice)).markdown, "first\n\nmore text");

  // a conflicting save keeps the draft (the text is not saved); a save deletes it
  await savePage({ title, markdown: "bob's\n", baseRevisionId: revision.id, author: people.bob });
  await assert.rejects(savePage({ title, markdown: "alice's\n", baseRevisionId: revision.id, author: people.alice }), isCode("edit_conflict"));
  assert.equal((await getDraft(title, people.alice, alice)).markdown, "first\n\nmore text");
  const latest = await db().page.findUniqueOrThrow({ where: { title }, select: { latestRevisionId: true } });
  await savePage({ title, markdown: "merged by hand\n", baseRevisionId: latest.latestRevisionId, author: people.alice });
  await assert.rejects(getDraft(title, people.alice, alice), isCode("not_found"), "saving the page deleted the draft");

  // a new page has drafts too, and deleting one is idempotent
  const fresh = unique("Unwritten");
  await putDraft(fresh, { markdown: "# Soon", baseRevisionId: null }, people.alice, alice);
  assert.equal((await getDraft(fresh, people.alice, alice)).baseRevisionId, null);
  assert.equal((await deleteDraft(fresh, people.alice, alice)).markdown, "# Soon", "deleting answers what the draft held");
  await assert.rejects(deleteDraft(fresh, people.alice, alice), isCode("not_found"), "and then there is none");
  await assert.rejects(getDraft(fresh, people.alice, alice), isCode("not_found"));
});

test("a person keeps at most MAX_DRAFTS_PER_PERSON drafts: the oldest go", async () => {
  const writer = await makeUser("editor");
  const access = await accessOf(writer);
  const titles = Array.from({ length: MAX_DRAFTS_PER_PERSON + 2 }, (_, i) => unique(`Draft ${i}`));
  for (const title of titles) await putDraft(title, { markdown: title, baseRevisionId: null }, writer, access);
  assert.equal(await db().draft.count({ where: { userId: writer.id } }), MAX_DRAFTS_PER_PERSON);
  assert.equal(await db().draft.count({ where: { userId: writer.id, title: { in: titles.slice(-MAX_DRAFTS_PER_PERSON) } } }), MAX_DRAFTS_PER_PERSON);
});

test("an edit conflict names who saved the other version", async () => {
  const { title, revision } = await newPage(people.alice, "line\n");
  await savePage({ title, markdown: "bob's line\n", summary: "Bob's change", baseRevisionId: revision.id, author: people.bob });
  const conflict = await savePage({ title, markdown: "alice's line\n", baseRevisionId: revision.id, author: people.alice }).catch((e: unknown) => e);
  const { current, currentRevision } = (conflict as { details: { current: { markdown: string }; currentRevision: { author: { username: string }; summary: string } } }).details;
  assert.equal(current.markdown, "bob's line\n");
  assert.equal(currentRevision.author.username, people.bob.username);
  assert.equal(currentRevision.summary, "Bob's change");
});

test("who is editing: renewed by the open editor, gone when it closes or goes quiet, listed to readers only", async () => {
  const { title } = await newPage(people.alice, "text\n");
  assert.deepEqual(await editorsOf(title, PUBLIC_ACCESS), []);
  await renewPresence(title, people.alice, await accessOf(people.alice));
  const both = await renewPresence(title, people.bob, await accessOf(people.bob));
  assert.deepEqual(both.map((e) => e.username), [people.alice.username, people.bob.username], "who opened it first first");
  const since = both[0]!.since;
  await renewPresence(title, people.alice, await accessOf(people.alice));
  assert.equal((await editorsOf(title, PUBLIC_ACCESS))[0]!.since, since, "renewing keeps when they opened it");
  await endPresence(title, people.bob);
  assert.deepEqual((await editorsOf(title, PUBLIC_ACCESS)).map((e) => e.username), [people.alice.username]);
  await db().editorPresence.updateMany({ where: { title }, data: { seenAt: new Date(Date.now() - 60_000) } });
  assert.deepEqual(await editorsOf(title, PUBLIC_ACCESS), [], "an editor not renewed for 45 s is no one");

  await assert.rejects(renewPresence(title, people.reader, await accessOf(people.reader)), isCode("forbidden"), "a reader does not edit");
  await assert.rejects(putDraft(title, { markdown: "x", baseRevisionId: null }, people.reader, await accessOf(people.reader)), isCode("forbidden"));
});

test("a private space's drafts and editors are its members' alone", async () => {
  const prefix = unique("Hidden").replace(/ /g, "");
  await setSpace(people.admin, prefix, { read: [`user:${people.alice.username}`], edit: [`user:${people.alice.username}`] });
  const title = `${prefix}/Plans`;
  const alice = await accessOf(people.alice);
  await putDraft(title, { markdown: "secret plan", baseRevisionId: null }, people.alice, alice);
  await renewPresence(title, people.alice, alice);
  assert.equal((await editorsOf(title, alice)).length, 1);
  const bob = await accessOf(people.bob);
  await assert.rejects(editorsOf(title, bob), isCode("not_found"), "an outsider learns nothing, not even that someone edits");
  await assert.rejects(editorsOf(title, PUBLIC_ACCESS), isCode("not_found"));
  await assert.rejects(renewPresence(title, people.bob, bob), isCode("not_found"));
  await assert.rejects(putDraft(title, { markdown: "x", baseRevisionId: null }, people.bob, bob), isCode("not_found"));
});
