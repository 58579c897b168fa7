import { test } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { getCache } from "@/lib/cache";
import { isCode, makeUser, testPeople, unique } from "@/lib/testing/factories";
import { savePage } from "@/lib/wiki/save";
import { setWatch } from "@/lib/wiki/watches";
import { COMMENT_RATE } from "./rate-limits";
import { TALK_PAGE_SIZE, commentCount, listComments } from "./list-cache";
import { deleteComment, postComment } from "./comments";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ alice: "editor", bob: "editor", admin: "admin" });

/**
 * A post by a fresh person (unless given one) from an address of its own, so the rate limits are only met where a
 * test means to meet them.
 */
let lastOctet = 0;
const post = async (title: string, content: string, author?: Awaited<ReturnType<typeof makeUser>>) =>
  postComment({ access: PUBLIC_ACCESS, title, content, author: author ?? (await makeUser("editor")), clientIp: `198.51.100.${++lastOctet % 250}` });
const cachedList = (title: string) => getCache().get<{ version: number; comments: { content: string }[] }>(`list:${title}`, { namespace: "talk" });

test("the tutorial's pattern: a miss adds the list for 10 s, the next view is a hit, a post deletes it", async () => {
  const title = unique("Talk");
  await post(title, "first");
  assert.equal(await cachedList(title), null, "nothing cached before the first view");
  const first = await listComments(title, PUBLIC_ACCESS);
  assert.equal(first.cached, false, "a miss");
  assert.deepEqual((await cachedList(title))?.comments.map((c) => c.content), ["first"], "added to memcached");
  const second = await listComments(title, PUBLIC_ACCESS);
  assert.equal(second.cached, true, "a hit");
  await post(title, "second");
  assert.equal(await cachedList(title), null, "a post deletes the cached list");
  assert.deepEqual((await listComments(title, PUBLIC_ACCESS)).comments.map((c) => c.content), ["second", "first"], "newest first, at once");
});

test("the race is closed: a list stored after a post, from before it, is never shown", async () => {
  const title = unique("Race");
  await post(title, "old");
  await listComments(title, PUBLIC_ACCESS);
  const stale = await cachedList(title);
  assert.ok(stale);
  await post(title, "new");
  // the slow reader of the tutorial's race stores what it read before the post, after the post's delete
  await getCache().set(`list:${title}`, stale, { namespace: "talk", time: 10 });
  const seen = await listComments(title, PUBLIC_ACCESS);
  assert.deepEqual(seen.comments.map((c) => c.content), ["new", "old"], "the stale list's version is older: not used");
  assert.deepEqual((await cachedList(title))?.comments.map((c) => c.content), ["new", "old"], "and it was replaced");
});

test("newest 10 per page with older pages; counts; deleting by the author or an admin only", async () => {
  const title = unique("Many");
  for (let i = 1; i <= TALK_PAGE_SIZE + 2; i++) await post(title, `comment ${i}`, i === 5 ? people.alice : i === 6 ? people.bob : undefined);
  const page1 = await listComments(title, PUBLIC_ACCESS);
  assert.equal(page1.comments.length, TALK_PAGE_SIZE);
  assert.equal(page1.comments[0]?.content, `comment ${TALK_PAGE_SIZE + 2}`);
  const page2 = await listComments(title, PUBLIC_ACCESS, { before: Number(page1.next) });
  assert.deepEqual(page2.comments.map((c) => c.content), ["comment 2", "comment 1"]);
  assert.equal(await commentCount(title), TALK_PAGE_SIZE + 2);
  const bobs = page1.comments.find((c) => c.author?.username === people.bob.username)!;
  assert.ok(bobs);
  await assert.rejects(deleteComment({ access: PUBLIC_ACCESS, title, id: bobs.id, actor: people.alice }), isCode("forbidden"));
  await deleteComment({ access: PUBLIC_ACCESS, title, id: bobs.id, actor: people.bob });
  await assert.rejects(deleteComment({ access: PUBLIC_ACCESS, title, id: bobs.id, actor: people.bob }), isCode("not_found"));
  const alices = page1.comments.find((c) => c.author?.username === people.alice.username)!;
  await deleteComment({ access: PUBLIC_ACCESS, title, id: alices.id, actor: people.admin });
  assert.equal(await commentCount(title), TALK_PAGE_SIZE);
  assert.ok(!(await listComments(title, PUBLIC_ACCESS)).comments.some((c) => c.id === bobs.id || c.id === alices.id), "gone at once");
});

test("comments are sanitised Markdown; anonymous only when allowed; too fast is 429", async () => {
  const title = unique("Hostile");
  const c = await post(title, "**hi** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) [[Some page]]");
  assert.match(c.html, /<strong>hi<\/strong>/);
  assert.doesNotMatch(c.html, /<script|onerror|javascript:/);
  assert.match(c.html, /<a href="\/wiki\/Some_page"/);
  await assert.rejects(postComment({ access: PUBLIC_ACCESS, title, content: "anon", author: null, clientIp: "203.0.113.9" }), isCode("unauthorized"));
  const fast = unique("Fast");
  const ip = "203.0.113.77";
  const quick = await makeUser("editor");
  for (let i = 0; i < COMMENT_RATE.perPerson; i++) await postComment({ access: PUBLIC_ACCESS, title: fast, content: `c${i}`, author: quick, clientIp: ip });
  await assert.rejects(postComment({ access: PUBLIC_ACCESS, title: fast, content: "one more", author: quick, clientIp: ip }), isCode("rate_limited"));
  await assert.rejects(postComment({ access: PUBLIC_ACCESS, title: fast, content: "other address", author: quick, clientIp: "203.0.113.78" }), isCode("rate_limited"), "per person");
});

test("a burst of simultaneous posts from one address cannot slip past the limit: the rest are 429", async () => {
  const title = unique("Burst");
  const ip = "203.0.113.120";
  const people = [];
  for (let i = 0; i < 20; i++) people.push(await makeUser("editor"));
  const results = await Promise.allSettled(people.map((p, i) => postComment({ access: PUBLIC_ACCESS, title, content: `burst ${i}`, author: p, clientIp: ip })));
  const posted = results.filter((r) => r.status === "fulfilled").length;
  assert.ok(posted >= 1 && posted <= COMMENT_RATE.perAddress, `${posted} posted`);
  assert.ok(results.every((r) => r.status === "fulfilled" || isCode("rate_limited")(r.reason)), "the others are 429, not errors");
  assert.equal(await commentCount(title), posted);
  // and one after another, the limit itself holds
  for (let i = posted; i < COMMENT_RATE.perAddress; i++) await postComment({ access: PUBLIC_ACCESS, title, content: `more ${i}`, author: people[i]!, clientIp: ip });
  await assert.rejects(postComment({ access: PUBLIC_ACCESS, title, content: "over", author: people[19]!, clientIp: ip }), isCode("rate_limited"));
});

test("watchers of the page are told of a new comment (not its author)", async () => {
  const title = unique("Watched");
  await savePage({ title, markdown: "x\n", baseRevisionId: null, author: people.alice });
  const writer = await makeUser("editor");
  await setWatch(people.bob.id, title, true, PUBLIC_ACCESS);
  await setWatch(writer.id, title, true, PUBLIC_ACCESS);
  await post(title, "Look at this.", writer);
  const mails = await db().outboxMessage.findMany({ where: { kind: "comment", subject: { contains: title } } });
  assert.deepEqual(mails.map((m) => m.toAddress), [`${people.bob.username}@example.test`]);
  assert.match(mails[0]!.text, /Look at this\./);
});
