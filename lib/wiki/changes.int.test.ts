import { test } from "node:test";
import assert from "node:assert/strict";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { isCode, makeUser, testPeople, unique } from "@/lib/testing/factories";
import { postComment } from "@/lib/talk/comments";
import { deletePage, movePage, revertPage } from "./page-lifecycle";
import { savePage } from "./save";
import { listRecentChanges, pageHistoryFeed, recentChangesFeed } from "./changes";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ editor: "editor", admin: "admin" });

const create = (title: string, markdown: string, author = people.editor) => savePage({ title, markdown, baseRevisionId: null, author });

test("recent changes: every kind, newest first, filtered by kind and by author, paginated", async () => {
  const other = await makeUser("editor");
  const t = unique("RC");
  const a = await create(t, "one\n");
  await savePage({ title: t, markdown: "two\n", baseRevisionId: a.revision.id, author: other });
  await revertPage({ title: t, revisionId: a.revision.id, author: people.editor });
  await movePage({ from: t, to: `${t} moved`, leaveRedirect: false, author: people.editor });
  await postComment({ access: PUBLIC_ACCESS, title: `${t} moved`, content: "a comment", author: people.editor, clientIp: "192.0.2.50" });
  const d = unique("RC deleted");
  await create(d, "short-lived\n");
  await deletePage({ title: d, reason: "done", author: people.admin });
  const { changes } = await listRecentChanges({ limit: 20 }, PUBLIC_ACCESS);
  const mine = changes.filter((c) => c.page.title.startsWith(t) || c.page.title === d);
  assert.deepEqual(mine.map((c) => c.kind), ["delete", "comment", "move", "revert", "edit", "create"],
    "a deleted page's other revisions leave the list with it; its deletion stays");
  const edit = mine.find((c) => c.kind === "edit")!;
  assert.equal(edit.author?.username, other.username);
  assert.equal(edit.sizeDelta, 0);
  const comments = await listRecentChanges({ limit: 50, kind: "comment" }, PUBLIC_ACCESS);
  assert.ok(comments.changes.every((c) => c.kind === "comment"));
  const hidden = await listRecentChanges({ limit: 50, hideUserId: people.editor.id }, PUBLIC_ACCESS);
  assert.ok(!hidden.changes.some((c) => c.author?.username === people.editor.username));
  const p1 = await listRecentChanges({ limit: 2 }, PUBLIC_ACCESS);
  const p2 = await listRecentChanges({ limit: 2, before: p1.next! }, PUBLIC_ACCESS);
  assert.ok(p2.changes[0]!.createdAt <= p1.changes[1]!.createdAt);
  assert.ok(!p2.changes.some((c) => p1.changes.some((d) => d.id === c.id)), "no change twice");
  await assert.rejects(listRecentChanges({ limit: 2, before: "garbage" }, PUBLIC_ACCESS), isCode("bad_request"));
});

test("the Atom feeds are well-formed Atom 1.0 with the required elements, cached until something changes", async () => {
  const t = unique("Feed & <Co>");
  await create(t, "text\n");
  const base = "http://wiki.example";
  const feed = await recentChangesFeed(base, PUBLIC_ACCESS);
  assert.equal(XMLValidator.validate(feed.xml), true);
  const doc = new XMLParser({ ignoreAttributes: false }).parse(feed.xml);
  assert.equal(doc.feed["@_xmlns"], "http://www.w3.org/2005/Atom");
  for (const el of ["id", "title", "updated", "link"]) assert.ok(doc.feed[el], `feed has <${el}>`);
  const entries = [doc.feed.entry].flat();
  for (const e of entries) for (const el of ["id", "title", "updated", "link"]) assert.ok(e[el], `entry has <${el}>`);
  assert.ok(entries.some((e) => String(e.title).startsWith(t)), "the edit is in it, its title escaped and parsed back");
  assert.deepEqual(await recentChangesFeed(base, PUBLIC_ACCESS), feed, "unchanged: the same feed and ETag");
  await create(unique("Another"), "x\n");
  assert.notEqual((await recentChangesFeed(base, PUBLIC_ACCESS)).etag, feed.etag);
  const history = await pageHistoryFeed(base, t, PUBLIC_ACCESS);
  assert.equal(XMLValidator.validate(history.xml), true);
  await assert.rejects(pageHistoryFeed(base, unique("Missing"), PUBLIC_ACCESS), isCode("not_found"));
});
