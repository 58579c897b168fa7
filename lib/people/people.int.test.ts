import { test, after } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { closeTestConnections, makeUser, unique } from "@/lib/testing/factories";
import { createToken, listTokens, revokeToken, userForToken } from "@/lib/auth/tokens";
import { isRateLimited, recordFailure, LIMITS } from "@/lib/auth/rate-limit";
import { savePage } from "@/lib/wiki/save";
import { revertPage } from "@/lib/wiki/page-lifecycle";
import { setWatch, watchlistChanges } from "@/lib/wiki/watches";
import { queueDueDigests } from "@/lib/mail/digests";
import { getProfileOrThrow, updateProfile, listContributions } from "./profiles";
import { protectPage, updateUserAsAdmin } from "./admin";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

after(closeTestConnections);

const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;

async function page(author: Awaited<ReturnType<typeof makeUser>>, text = "text\n") {
  const title = unique("People page");
  const r = await savePage({ title, markdown: text, baseRevisionId: null, author });
  return { title, revisionId: r.revision.id };
}

test("token lifecycle: created once, stored hashed, works until revoked, only its owner can revoke it", async () => {
  const alice = await makeUser();
  const bob = await makeUser();
  const t = await createToken(alice.id, { name: "bot" }, "session");
  assert.match(t.token, /^vlm_/);
  const stored = await db().apiToken.findUniqueOrThrow({ where: { id: t.id } });
  assert.notEqual(stored.tokenHash, t.token);
  assert.ok(!stored.tokenHash.includes(t.token.slice(4, 20)));
  assert.equal((await userForToken(t.token))?.username, alice.username);
  assert.equal(await userForToken(t.token + "x"), null, "a wrong token is nobody");
  assert.deepEqual((await listTokens(alice.id)).tokens.map((x) => x.name), ["bot"]);
  await assert.rejects(revokeToken(bob.id, t.id), code("not_found"));
  await revokeToken(alice.id, t.id);
  assert.equal(await userForToken(t.token), null, "a revoked token is nobody");
  assert.deepEqual((await listTokens(alice.id)).tokens, []);
});

test("a token cannot create tokens, and an expired token is nobody", async () => {
  const alice = await makeUser();
  await assert.rejects(createToken(alice.id, { name: "child" }, "token"), code("forbidden"));
  const t = await createToken(alice.id, { name: "short", expiresInDays: 1 }, "session");
  assert.equal((await userForToken(t.token))?.username, alice.username);
  await db().apiToken.update({ where: { id: t.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  assert.equal(await userForToken(t.token), null);
  assert.deepEqual((await listTokens(alice.id)).tokens, [], "expired tokens leave the list");
});

test("protection: admin-protected pages only admins edit; readers and blocked people edit nothing", async () => {
  const admin = await makeUser("admin");
  const editor = await makeUser("editor");
  const reader = await makeUser("reader");
  const { title, revisionId } = await page(editor);
  await protectPage(admin, title, "admin");
  await assert.rejects(savePage({ title, markdown: "x", baseRevisionId: revisionId, author: editor }), code("forbidden"));
  await assert.rejects(revertPage({ title, revisionId, author: editor }), code("forbidden"));
  const ok = await savePage({ title, markdown: "by admin\n", baseRevisionId: revisionId, author: admin });
  assert.equal(ok.status, "updated");
  await protectPage(admin, title, "editor");
  const unverified = await makeUser("editor", { verified: false });
  await assert.rejects(
    savePage({ title, markdown: "by a throw-away account\n", baseRevisionId: ok.revision.id, author: unverified }),
    code("forbidden"),
    "semi-protection: an editor whose address is not verified may not edit",
  );
  await savePage({ title, markdown: "by editor\n", baseRevisionId: ok.revision.id, author: editor });
  await assert.rejects(page(reader), code("forbidden"));
  const blocked = await updateUserAsAdmin(admin, editor.username, { blocked: true });
  assert.equal(blocked.blocked, true);
  await assert.rejects(page({ ...editor, blocked: true }), code("forbidden"));
  await assert.rejects(updateUserAsAdmin(admin, admin.username, { role: "editor" }), code("conflict"));
  await assert.rejects(updateUserAsAdmin(admin, admin.username, { blocked: true }), code("conflict"));
  await assert.rejects(protectPage(admin, unique("Nope"), "admin"), code("not_found"));
});

test("watchers hear about changes as they chose: each -> an email, digest -> one daily email, none -> nothing", async () => {
  const author = await makeUser();
  const [each, digest, none] = [await makeUser("reader"), await makeUser("reader"), await makeUser("reader")];
  await db().user.update({ where: { id: digest.id }, data: { notify: "digest" } });
  await db().user.update({ where: { id: none.id }, data: { notify: "none" } });
  const emailOf = async (id: string) => (await db().user.findUniqueOrThrow({ where: { id } })).email;
  const [eachEmail, digestEmail, noneEmail, authorEmail] = (await Promise.all(
    [each, digest, none, author].map((u) => emailOf(u.id)),
  )) as [string, string, string, string];
  const { title, revisionId } = await page(author, "v1\n");
  for (const u of [each, digest, none, author]) await setWatch(u.id, title, true, PUBLIC_ACCESS);
  assert.equal(await setWatch(each.id, title, true, PUBLIC_ACCESS), true, "watching twice is fine");
  const r2 = await savePage({ title, markdown: "v2\n", summary: "second", baseRevisionId: revisionId, author });
  await savePage({ title, markdown: "v3\n", baseRevisionId: r2.revision.id, author });
  const mails = await db().outboxMessage.findMany({ where: { subject: { contains: title } } });
  const to = (address: string) => mails.filter((m) => m.toAddress === address).length;
  assert.equal(to(eachEmail), 2, "one email per change");
  assert.equal(to(digestEmail), 0, "digest readers get no single emails");
  assert.equal(to(noneEmail), 0);
  assert.equal(to(authorEmail), 0, "authors are not told of their own changes");
  assert.equal(await db().digestEntry.count({ where: { userId: digest.id } }), 2);

  assert.equal(await queueDueDigests(), 0, "not before a day has passed");
  await db().$executeRaw`UPDATE digest_entries SET created_at = now() - interval '25 hours' WHERE user_id = ${digest.id}`;
  await queueDueDigests();
  const digests = await db().outboxMessage.findMany({ where: { toAddress: digestEmail, kind: "digest" } });
  assert.equal(digests.length, 1);
  assert.match(digests[0]!.text, new RegExp(`${title}: revision 2 by ${author.username} \\(“second”\\)`));
  assert.match(digests[0]!.text, new RegExp(`${title}: revision 3`));
  assert.equal(await db().digestEntry.count({ where: { userId: digest.id } }), 0, "each change is in exactly one digest");
  assert.equal(await queueDueDigests(), 0);

  const watched = await watchlistChanges(each.id, PUBLIC_ACCESS);
  assert.deepEqual(watched.changes.filter((c) => c.page.title === title).map((c) => c.number), [3, 2, 1]);
  await setWatch(each.id, title, false, PUBLIC_ACCESS);
  assert.equal((await watchlistChanges(each.id, PUBLIC_ACCESS)).changes.filter((c) => c.page.title === title).length, 0);
});

test("profiles: edits show at once, the bio is sanitised, contributions are listed newest first", async () => {
  const u = await makeUser();
  const before = await getProfileOrThrow(u.username.toUpperCase(), PUBLIC_ACCESS);
  assert.equal(before.editCount, 0);
  await updateProfile(u.id, { displayName: "Ada L.", bio: "I like **wikis** <script>alert(1)</script><img src=x onerror=alert(1)>" }, PUBLIC_ACCESS);
  const after1 = await getProfileOrThrow(u.username, PUBLIC_ACCESS);
  assert.equal(after1.displayName, "Ada L.");
  assert.match(after1.bioHtml, /<strong>wikis<\/strong>/);
  assert.doesNotMatch(after1.bioHtml, /script|onerror/);
  await updateProfile(u.id, { bio: "changed" }, PUBLIC_ACCESS);
  assert.match((await getProfileOrThrow(u.username, PUBLIC_ACCESS)).bioHtml, /changed/, "a cached profile never outlives an edit");
  const a = await page(u);
  const b = await page(u);
  const c = await listContributions(u.username, { limit: 1 }, PUBLIC_ACCESS);
  assert.equal(c.revisions[0]!.page.title, b.title);
  const c2 = await listContributions(u.username, { limit: 1, before: Number(c.next) }, PUBLIC_ACCESS);
  assert.equal(c2.revisions[0]!.page.title, a.title);
  assert.equal((await getProfileOrThrow(u.username, PUBLIC_ACCESS)).editCount, 2);
  await assert.rejects(getProfileOrThrow(unique("nobody"), PUBLIC_ACCESS), code("not_found"));
});

test("sign-in rate limit: the account or the address is limited after repeated failures", async () => {
  const key = `user:${unique("victim")}`;
  assert.equal(await isRateLimited([key]), false);
  for (let i = 0; i < LIMITS.user - 1; i++) await recordFailure([key]);
  assert.equal(await isRateLimited([key]), false);
  await recordFailure([key]);
  assert.equal(await isRateLimited([key, `ip:${unique("ip")}`]), true);
  assert.equal(await isRateLimited([`user:${unique("other")}`]), false, "other accounts are not affected");
});
