import { test } from "node:test";
import assert from "node:assert/strict";
import { isCode, makeUser, testPeople, unique } from "@/lib/testing/factories";
import { db } from "@/lib/db";
import { savePage } from "@/lib/wiki/save";
import { deletePage, movePage } from "@/lib/wiki/page-lifecycle";
import { deletionOf, getPageOrThrow, getPageViewOrThrow, listPages, readablePageState } from "@/lib/wiki/page-reads";
import { listRecentChanges, pageHistoryFeed, recentChangesFeed } from "@/lib/wiki/changes";
import { colourLinks, listBacklinks, listWanted, randomPageTitle } from "@/lib/wiki/links";
import { diffRevisions, getRevisionOrThrow, listHistory } from "@/lib/wiki/revisions";
import { readBlame } from "@/lib/wiki/blame";
import { searchPages } from "@/lib/wiki/search";
import { setWatch, watchlistChanges } from "@/lib/wiki/watches";
import { getProfileOrThrow, listContributions } from "@/lib/people/profiles";
import { postComment } from "@/lib/talk/comments";
import { listComments } from "@/lib/talk/list-cache";
import { renderBounded } from "@/lib/markdown/render-pool";
import { processOutbox, WITHHELD } from "@/lib/mail/outbox";
import { createGroup, deleteGroup, groupsOf, setMembership } from "@/lib/people/groups";
import { deleteSpace, listSpaces, setSpace } from "@/lib/people/spaces";
import { listAudit } from "@/lib/people/audit";
import { ADMIN_ACCESS, PUBLIC_ACCESS, accessOf, readSpaceOf, type Access } from "./access";

// Private spaces against real PostgreSQL (decision 0029): which titles a space covers, every list's filter in its
// SQL (never short, no count that tells), every read by id, and who may change what.

const people = testPeople({ editor: "editor", admin: "admin" });
const create = (title: string, markdown: string, author = people.editor) => savePage({ title, markdown, baseRevisionId: null, author });
const groupName = () => unique("g").replace(/[^A-Za-z0-9_-]/g, "").slice(-30);

/** A private space `prefix` readable and editable by one new group with `members`; returns the group. */
async function privateSpace(prefix: string, members: { username: string }[]) {
  const name = groupName();
  await createGroup(people.admin, name);
  for (const m of members) await setMembership(people.admin, name, m.username, true);
  await setSpace(people.admin, prefix, { read: [`group:${name}`], edit: [`group:${name}`] });
  return name;
}

const notFound = isCode("not_found");

test("a space covers its prefix as whole segments and its files; the longest covering prefix decides", async () => {
  const p = unique("Team").replace(/ /g, "");
  const reader = await makeUser("editor");
  // principals match ignoring case, and read back in the person's own spelling
  const set = await setSpace(people.admin, p, { read: [`user:${reader.username.toUpperCase()}`], edit: "editors" });
  assert.deepEqual(set.read, [`user:${reader.username}`]);
  await setSpace(people.admin, `${p}/Open`, { read: "everyone", edit: "editors" });
  assert.equal(await readSpaceOf(p), p);
  assert.equal(await readSpaceOf(`${p}/Plans`), p);
  assert.equal(await readSpaceOf(`File:${p}/chart.png`), p, "a team's files are its own");
  assert.equal(await readSpaceOf(`${p}work`), null, "never a title that merely starts with the prefix");
  assert.equal(await readSpaceOf(`${p} work`), null);
  assert.equal(await readSpaceOf(`File:${p}work.png`), null);
  assert.equal(await readSpaceOf(`${p}/Open/Notes`), null, "a longer space readable by everyone opens its pages");
  const listed = (await listSpaces()).spaces.find((s) => s.prefix === p);
  assert.deepEqual(listed, { prefix: p, read: [`user:${reader.username}`], edit: "editors" });
  await assert.rejects(setSpace(people.admin, `File:${p}`, { read: "everyone", edit: "editors" }), isCode("bad_request"));
  await assert.rejects(setSpace(people.admin, p, { read: ["group:nosuchgroupanywhere"], edit: "editors" }), isCode("bad_request"));
});

test("an outsider's lists leave private pages out in their SQL: never short, no count, no snippet, no suggestion", async () => {
  const insider = await makeUser("editor");
  const p = unique("Vault").replace(/ /g, "");
  await privateSpace(p, [insider]);
  const marker = `zq${Date.now().toString(36)}marker`;
  const secret = `${p}/Secret`;
  const pub = unique("Public page");
  const s = await create(secret, `The ${marker} plan. Links to [[${pub}]].\n`, insider);
  await savePage({ title: secret, markdown: `The ${marker} plan, revised. Links to [[${pub}]].\n`, baseRevisionId: s.revision.id, summary: `summary ${marker}`, author: insider });
  await create(pub, `Public text linking to [[${secret}]] and [[${p}/Missing]].\n`);
  await postComment({ title: secret, content: `comment ${marker}`, author: insider, clientIp: "192.0.2.7", access: await accessOf(insider) });
  const outsider = await accessOf(await makeUser("editor"));
  const inside = await accessOf(insider);
  assert.equal(outsider, PUBLIC_ACCESS, "an editor of no private space reads as everyone does");
  assert.notEqual(inside.audience, PUBLIC_ACCESS.audience);
  assert.deepEqual(inside.spaces, [p]);

  for (const [who, access, sees] of [["outsider", outsider, false], ["insider", inside, true], ["admin", ADMIN_ACCESS, true]] as [string, Access, boolean][]) {
    const all = await listPages({ limit: 5000 }, access);
    assert.equal(all.pages.some((x) => x.title === secret), sees, `${who}: all pages`);
    const rc = await listRecentChanges({ limit: 200 }, access);
    assert.equal(rc.changes.some((c) => c.page.title === secret), sees, `${who}: recent changes (edits and comments)`);
    const found = await searchPages(marker, { limit: 10, offset: 0 }, access);
    assert.equal(found.total > 0, sees, `${who}: search total`);
    assert.equal(JSON.stringify(found).includes(marker), sees, `${who}: search results and snippets`);
    const back = await listBacklinks(pub, { limit: 50 }, access);
    assert.equal(back.pages.some((x) => x.title === secret), sees, `${who}: backlinks`);
    const wanted = await listWanted({ limit: 5000 }, access);
    assert.equal(wanted.pages.some((x) => x.title === secret), !sees, `${who}: a private page linked from public ones is as wanted as a missing one`);
    assert.equal(wanted.pages.some((x) => x.title === pub), false, `${who}: links from a private page count only for its readers, and ${pub} exists`);
    const contributions = await listContributions(insider.username, { limit: 50 }, access);
    assert.equal(contributions.revisions.length, sees ? 2 : 0, `${who}: contributions`);
    assert.equal((await getProfileOrThrow(insider.username, access)).editCount, sees ? 2 : 0, `${who}: a profile's edit count`);
    assert.equal((await readablePageState(secret, access)) !== null, sees);
    const view = await getPageViewOrThrow(pub, access);
    assert.equal(view.html.includes(`href="/wiki/${encodeURIComponent(p)}/Secret"`), sees, `${who}: link colour`);
    assert.equal(view.audience, sees ? access.audience : PUBLIC_ACCESS.audience, "a page linking into a space is made per audience");
    const feed = await recentChangesFeed("http://wiki.test", access);
    assert.equal(feed.xml.includes(secret), sees, `${who}: the Atom feed`);
  }
  // a spelling suggestion only from words a readable page has
  const typo = marker.slice(0, -1) + "x";
  const outsiderSearch = await searchPages(typo, { limit: 10, offset: 0 }, outsider);
  assert.equal(outsiderSearch.correction, null, "no correction to a word only a private page has");
  assert.equal(outsiderSearch.didYouMean, null);
  const insiderSearch = await searchPages(typo, { limit: 10, offset: 0 }, inside);
  assert.equal(insiderSearch.correction?.query, marker, "an insider is corrected to it");

  // lists are not short: a page of 1 after the private page's neighbours still has one entry
  const page1 = await listRecentChanges({ limit: 1 }, outsider);
  assert.equal(page1.changes.length, 1);
  assert.ok(!page1.changes.some((c) => c.page.title.startsWith(p)));
});

test("reads by id and by title of a private page are 404 for an outsider: revisions, diffs, blame, history, talk, feeds", async () => {
  const insider = await makeUser("editor");
  const p = unique("Room").replace(/ /g, "");
  await privateSpace(p, [insider]);
  const title = `${p}/Notes`;
  const a = await create(title, "one\n", insider);
  const b = await savePage({ title, markdown: "two\n", baseRevisionId: a.revision.id, author: insider });
  const outsider = await accessOf(people.editor);
  const inside = await accessOf(insider);
  await assert.rejects(getPageOrThrow(title, outsider), notFound);
  await assert.rejects(getPageViewOrThrow(title, outsider), notFound);
  await assert.rejects(getRevisionOrThrow(a.revision.id, outsider), notFound);
  await assert.rejects(diffRevisions(a.revision.id, b.revision.id, outsider), notFound);
  await assert.rejects(readBlame(title, null, outsider), notFound);
  await assert.rejects(listHistory(title, { limit: 10 }, outsider), notFound);
  await assert.rejects(listComments(title, outsider), notFound);
  await assert.rejects(pageHistoryFeed("http://wiki.test", title, outsider), notFound);
  await assert.rejects(setWatch(people.editor.id, title, true, outsider), notFound);
  await assert.rejects(postComment({ title, content: "hi", author: people.editor, clientIp: "192.0.2.8", access: outsider }), notFound);
  assert.equal((await getRevisionOrThrow(a.revision.id, inside)).markdown, "one\n");
  assert.equal((await diffRevisions(a.revision.id, b.revision.id, inside)).page.title, title);
  assert.equal((await listHistory(title, { limit: 10 }, inside)).revisions.length, 2);
  // a revision stays out of reach after its page moves into a space (BookStack: old revisions by id)
  const later = unique("Moved in");
  const m = await create(later, "was public\n");
  await movePage({ from: later, to: `${p}/Moved`, leaveRedirect: false, author: insider });
  await assert.rejects(getRevisionOrThrow(m.revision.id, outsider), notFound);
  // a deleted private page's notice is not an outsider's either
  await deletePage({ title, reason: "gone", author: people.admin });
  assert.equal(await deletionOf(title, outsider), null);
  assert.equal((await deletionOf(title, inside))?.reason, "gone");
  // a random page never lands in a space one may not read
  for (let i = 0; i < 20; i++) {
    const t = await randomPageTitle(outsider);
    assert.ok(!t?.startsWith(p));
  }
});

test("editing needs the space's read and edit lists and the role; edit never grants what read does not", async () => {
  const reader = await makeUser("reader");
  const writer = await makeUser("editor");
  const onlyEdit = await makeUser("editor");
  const p = unique("Desk").replace(/ /g, "");
  const g = groupName();
  await createGroup(people.admin, g);
  for (const u of [reader, writer]) await setMembership(people.admin, g, u.username, true);
  await setSpace(people.admin, p, { read: [`group:${g}`], edit: [`group:${g}`, `user:${onlyEdit.username}`] });
  const forbidden = isCode("forbidden");
  await assert.rejects(create(`${p}/X`, "x\n", people.editor), forbidden, "an outsider may not create a page there, though none exists");
  await assert.rejects(create(`${p}/X`, "x\n", onlyEdit), forbidden, "edit without read grants nothing");
  await assert.rejects(create(`${p}/X`, "x\n", reader), forbidden, "a reader edits nothing");
  await create(`${p}/X`, "x\n", writer);
  await create(`${p}/Y`, "y\n", people.admin);
  const out = unique("Outside");
  await create(out, "o\n", people.editor);
  await assert.rejects(movePage({ from: out, to: `${p}/Z`, leaveRedirect: false, author: people.editor }), forbidden, "nor move one in");
  assert.deepEqual(await groupsOf(writer.id), [g]);
});

test("a revocation and a grant hold at once, and the audit log records every change", async () => {
  const person = await makeUser("editor");
  const p = unique("Lab").replace(/ /g, "");
  const g = await privateSpace(p, [person]);
  await create(`${p}/Doc`, "lab notes\n", person);
  assert.ok((await listPages({ limit: 5000 }, await accessOf(person))).pages.some((x) => x.title === `${p}/Doc`));
  await setMembership(people.admin, g, person.username, false);
  const revoked = await accessOf(person);
  assert.ok(!(await listPages({ limit: 5000 }, revoked)).pages.some((x) => x.title === `${p}/Doc`), "revoked: gone from the list");
  await setSpace(people.admin, p, { read: "everyone", edit: "editors" });
  assert.ok((await listPages({ limit: 5000 }, PUBLIC_ACCESS)).pages.some((x) => x.title === `${p}/Doc`), "a space opened to everyone");
  await deleteSpace(people.admin, p);
  await deleteGroup(people.admin, g);
  const { entries } = await listAudit({ limit: 50 });
  const mine = entries.filter((e) => e.target === p || e.target === g).map((e) => e.action);
  assert.deepEqual(mine, ["group.delete", "space.delete", "space.set", "member.remove", "space.set", "member.add", "group.create"]);
  assert.ok(entries.every((e, i) => i === 0 || e.at <= entries[i - 1]!.at), "newest first");
});

test("a preview colours a link into a space one may not read red, and says so for its writer's audience alone", async () => {
  const insider = await makeUser("editor");
  const p = unique("Hall").replace(/ /g, "");
  await privateSpace(p, [insider]);
  await create(`${p}/Room`, "r\n", insider);
  const { rendered } = await renderBounded(`[[${p}/Room]]`);
  const outside = await colourLinks(rendered.html, rendered.links, PUBLIC_ACCESS);
  const inside = await colourLinks(rendered.html, rendered.links, await accessOf(insider));
  assert.match(outside.html, /class="new"/);
  assert.doesNotMatch(inside.html, /class="new"/);
  assert.equal(outside.bound, true);
});

test("mail about a private page goes to watchers who may read it, checked again when it is sent", async () => {
  const watcher = await makeUser("editor");
  const p = unique("Post").replace(/ /g, "");
  const g = await privateSpace(p, [watcher]);
  const title = `${p}/Letters`;
  const first = await create(title, "a\n", people.admin);
  await setWatch(watcher.id, title, true, await accessOf(watcher));
  await savePage({ title, markdown: "b\n", baseRevisionId: first.revision.id, author: people.admin });
  const queued = await db().outboxMessage.findMany({ where: { userId: watcher.id, pageTitle: title } });
  assert.equal(queued.length, 1, "queued for a watcher who may read it, naming them and the page");
  await setMembership(people.admin, g, watcher.username, false);
  await processOutbox(500);
  const after = await db().outboxMessage.findUniqueOrThrow({ where: { id: queued[0]!.id } });
  assert.equal(after.status, "failed", "never sent once the recipient may no longer read the page");
  assert.equal(after.lastError, WITHHELD);
  const w = await watchlistChanges(watcher.id, await accessOf(watcher));
  assert.ok(!w.changes.some((c) => c.page.title === title), "nor does the watchlist show it");
});

test("what a page offers follows its space's edit list: its view is made per audience, and says whether that audience may edit", async () => {
  const writer = await makeUser("editor");
  const readerOnly = await makeUser("editor");
  const p = unique("Board").replace(/ /g, "");
  const g = groupName();
  await createGroup(people.admin, g);
  await setMembership(people.admin, g, writer.username, true);
  // everyone reads, only the group edits
  await setSpace(people.admin, p, { read: "everyone", edit: [`group:${g}`] });
  const title = `${p}/Minutes`;
  await create(title, "minutes\n", writer);
  const asWriter = await getPageViewOrThrow(title, await accessOf(writer));
  const asReader = await getPageViewOrThrow(title, await accessOf(readerOnly));
  assert.equal(asWriter.spaceEdit, true);
  assert.equal(asReader.spaceEdit, false, "an editor outside the edit list is offered no Edit");
  assert.notEqual(asWriter.audience, asReader.audience, "two documents: the writer's audience and everyone else's");
  assert.equal(asReader.audience, PUBLIC_ACCESS.audience);
  // the edit list opened to every editor: the same page is one document for everyone again
  await setSpace(people.admin, p, { read: "everyone", edit: "editors" });
  const opened = await getPageViewOrThrow(title, await accessOf(readerOnly));
  assert.equal(opened.spaceEdit, true);
  assert.equal(opened.audience, null);
});
