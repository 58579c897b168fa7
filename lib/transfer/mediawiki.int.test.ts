import { test } from "node:test";
import assert from "node:assert/strict";
import { createReadStream, readFileSync } from "node:fs";
import { createAccount } from "@/lib/auth/accounts";
import { db } from "@/lib/db";
import { isCode, testPeople, unique } from "@/lib/testing/factories";
import { listHistory } from "@/lib/wiki/revisions";
import { getPageOrThrow, currentPageState } from "@/lib/wiki/page-reads";
import { listBacklinks } from "@/lib/wiki/links";
import { searchPages } from "@/lib/wiki/search";
import { listRecentChanges } from "@/lib/wiki/changes";
import { readBlame } from "@/lib/wiki/blame";
import { importMediaWiki } from "./mediawiki";
import { mediawikiDump, mediawikiPage, mediawikiRevision } from "@/lib/testing/mediawiki-export";
import { deletePage, movePage } from "@/lib/wiki/page-lifecycle";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

// The dump a real MediaWiki 1.39 (Debian's package) made: scripts/fixtures/mediawiki-dump.sh
const FIXTURE = new URL("./fixtures/mediawiki-1.39.xml", import.meta.url);

const people = testPeople({ admin: "admin" });

/** The fixture as a stream of small chunks (so every element is cut somewhere). */
const fixture = () => createReadStream(FIXTURE, { highWaterMark: 777 });
const fromText = (xml: string) => [Buffer.from(xml)];

async function* slowly(xml: string): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < xml.length; i += 100) yield Buffer.from(xml.slice(i, i + 100));
}

/** A small export of a wiki of its own (unless named), with pages given as XML. */
const dump = (pages: string, { dbname = unique("w"), version = "0.11" } = {}) => mediawikiDump(pages, { dbname, version });
const page = mediawikiPage;
const revision = mediawikiRevision;

test("a real MediaWiki dump: pages, revisions in order with time, summary and author, conversions, links, search, blame; again adds nothing", async () => {
  // an existing account called Bob: the imported Bob is never merged into it
  await createAccount({ username: "Bob", email: "bob@example.test", password: "correct horse battery" }, { clientIp: "192.0.2.1" });
  const first = await importMediaWiki(fixture(), { origin: "shell" });
  assert.deepEqual(
    { pages: first.pages, revisions: first.revisions, users: first.users },
    { pages: 7, revisions: 10, users: 4 },
  );
  assert.deepEqual(first.skipped.map((s) => s.title), ["Back\\slash"]);
  assert.match(first.skipped[0]!.reason, /title/);
  assert.deepEqual(
    first.renamed.sort((a, b) => a.from.localeCompare(b.from)),
    [{ from: "Bob", to: "imported-Bob" }, { from: "Jane Doe", to: "Jane_Doe" }, { from: "MediaWiki default", to: "MediaWiki_default" }],
  );

  const history = await listHistory("Cats", { limit: 50 }, PUBLIC_ACCESS);
  assert.deepEqual(history.revisions.map((r) => [r.number, r.author?.username, r.summary]).reverse(), [
    [1, "Alice", "First draft"],
    [2, "Jane_Doe", "Behaviour and links"],
    [3, "imported-Bob", "Tables, code and templates"],
  ]);
  const xml = readFileSync(FIXTURE, "utf8");
  const catsTimes = [...xml.slice(xml.indexOf("<title>Cats</title>"), xml.indexOf("<title>Cats/Breeds</title>")).matchAll(/<timestamp>(.*?)<\/timestamp>/g)].map((m) => new Date(m[1]!).toISOString());
  assert.deepEqual(history.revisions.map((r) => r.createdAt).reverse(), catsTimes);
  const bob = await db().user.findUniqueOrThrow({ where: { usernameKey: "imported-bob" }, select: { passwordHash: true, email: true, displayName: true } });
  assert.equal(bob.passwordHash, null, "an imported author cannot sign in");
  assert.equal(bob.displayName, "Bob");
  assert.match(bob.email, /\.invalid$/);

  const old = await listHistory("Old news", { limit: 50 }, PUBLIC_ACCESS);
  assert.deepEqual(old.revisions.map((r) => [r.author, r.createdAt]).reverse(), [
    [null, "2019-03-04T05:06:07.000Z"],
    [null, "2020-05-06T07:08:09.000Z"],
  ], "IP editors stay anonymous");
  assert.equal((await getPageOrThrow("Old news", PUBLIC_ACCESS)).markdown, "Written by an IP editor in 2019.\nExtended in 2020 & kept.");

  const cats = (await getPageOrThrow("Cats", PUBLIC_ACCESS)).markdown;
  for (const expected of [
    "**Cats** are small *carnivorous* mammals. See [[Dog|Dogs]] and [[Dog|the dog page]].",
    "## Behaviour",
    "They ***purr***. Read [[Cats/Breeds|about breeds]], [[Cats/Care|/Care]] and [[Dog#Behaviour|how dogs behave]].",
    "### Hunting",
    "- Mice\n  - House mice\n  - Field mice\n- Birds\n1. First\n1. Second\n   1. Second, a",
    "| Breed | Origin |\n| --- | --- |\n| Siamese | Thailand |\n| Persian | Iran |",
    "```\na preformatted line\nanother one\n```",
    "```\nliteral [[not a link]] and '''not bold'''\n```",
    "Use `cat --help` and \\[\\[not a link\\]\\].",
    "[Cat facts](https://example.org/cats)",
    "```wikitext\n{{Infobox animal\n| name = Cat\n| legs = 4\n}}\n```",
    "`{{#if: yes | parser function kept | no}}`",
    "[[File:Cat.png|thumb|200px|A cat]]",
  ]) assert.ok(cats.includes(expected), `Cats has ${JSON.stringify(expected)}:\n${cats}`);
  assert.ok(cats.trimEnd().endsWith("Categories: [[Category:Animals]], [[Category:Pets]]"), "categories: one line at the end");
  assert.equal((await currentPageState("Kitty"))?.redirectTo, "Cats", "a redirect stays a redirect");
  assert.equal((await getPageOrThrow("Cats/Breeds", PUBLIC_ACCESS)).markdown.trim(), "Breeds of [[Cats|cat]]: see [[Cats]] for more.");

  // the link graph, search and recent changes know the pages at once
  assert.ok((await listBacklinks("Dog", { limit: 50 }, PUBLIC_ACCESS)).pages.some((p) => p.title === "Cats"), "backlinks");
  const found = await searchPages("Siamese", { limit: 10, offset: 0 }, PUBLIC_ACCESS);
  assert.ok(found.results.some((r) => r.title === "Cats"), `search: ${JSON.stringify(found)}`);
  const changes = await listRecentChanges({ limit: 500 }, PUBLIC_ACCESS);
  assert.ok(changes.changes.some((c) => c.page.title === "Dog"), "recent changes");

  // blame of an imported history names its authors
  const blame = await readBlame("Cats", null, PUBLIC_ACCESS);
  const by = (start: string) => blame.lines.find((l) => l.text.startsWith(start))?.revision.author?.username;
  assert.equal(by("## Behaviour"), "Alice");
  assert.equal(by("- Mice"), "Jane_Doe");
  assert.equal(by("| Siamese"), "imported-Bob");

  const again = await importMediaWiki(fixture(), { origin: "api" });
  assert.deepEqual({ pages: again.pages, revisions: again.revisions, users: again.users, renamed: again.renamed }, { pages: 0, revisions: 0, users: 0, renamed: [] });
  assert.equal((await listHistory("Cats", { limit: 50 }, PUBLIC_ACCESS)).revisions.length, 3);
  const run = await db().importRun.findUniqueOrThrow({ where: { id: again.run } });
  assert.equal(run.status, "done");
});

test("malformed or truncated XML: a 400; pages complete before the fault are kept, the page it cut never exists", async () => {
  const [a, b] = [unique("Kept"), unique("Cut")];
  const xml = dump(page(a, 1, revision(1, "2020-01-01T00:00:00Z", "one")) + page(b, 2, revision(2, "2020-01-02T00:00:00Z", "two") + revision(3, "2020-01-03T00:00:00Z", "three")));
  const truncated = xml.slice(0, xml.indexOf("three"));
  await assert.rejects(importMediaWiki(slowly(truncated), { origin: "api" }), isCode("bad_request"));
  assert.equal((await getPageOrThrow(a, PUBLIC_ACCESS)).markdown, "one");
  assert.equal(await currentPageState(b), null);
  const broken = xml.replace("<id>3</id>", "<id>3</idx>");
  await assert.rejects(importMediaWiki(slowly(broken), { origin: "api" }), isCode("bad_request"));
  assert.equal(await currentPageState(b), null);
  const failed = await db().importRun.findFirstOrThrow({ orderBy: { id: "desc" } });
  assert.equal(failed.status, "failed");
  assert.match(failed.error ?? "", /Malformed XML/);
});

test("entity bombs, external entities, another schema or another document: 400, nothing imported", async () => {
  const t = unique("Bomb");
  const bomb = `<?xml version="1.0"?><!DOCTYPE mediawiki [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>` +
    dump(page(t, 1, revision(1, "2020-01-01T00:00:00Z", "&c;&c;&c;")));
  const external = `<?xml version="1.0"?><!DOCTYPE mediawiki [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + dump(page(t, 1, revision(1, "2020-01-01T00:00:00Z", "&x;")));
  const undeclared = dump(page(t, 1, revision(1, "2020-01-01T00:00:00Z", "&x;")));
  for (const xml of [bomb, external, undeclared, dump(page(t, 1, revision(1, "2020-01-01T00:00:00Z", "x")), { version: "0.3" }), `<html><body>${t}</body></html>`, "", "not xml at all"]) {
    await assert.rejects(importMediaWiki(fromText(xml), { origin: "api" }), isCode("bad_request"), xml.slice(0, 80));
  }
  assert.equal(await currentPageState(t), null);
});

test("duplicate page ids are skipped and listed; revisions out of order are kept in order of time", async () => {
  const [a, b] = [unique("First"), unique("Second")];
  const result = await importMediaWiki(fromText(dump(
    page(a, 5, revision(12, "2021-01-03T00:00:00Z", "third") + revision(10, "2021-01-01T00:00:00Z", "first") + revision(11, "2021-01-02T00:00:00Z", "second")) +
    page(b, 5, revision(13, "2021-01-04T00:00:00Z", "other")),
  )), { origin: "api" });
  assert.equal(result.revisions, 3);
  assert.deepEqual(result.skipped.map((s) => s.title), [b]);
  assert.match(result.skipped[0]!.reason, /page id 5 appears twice/);
  const history = await listHistory(a, { limit: 10 }, PUBLIC_ACCESS);
  assert.deepEqual(history.revisions.map((r) => r.summary).reverse(), ["r10", "r11", "r12"]);
  assert.equal((await getPageOrThrow(a, PUBLIC_ACCESS)).markdown, "third");
});

test("a page of 10,000 revisions goes through in batches; its blame names the revision of each line", async () => {
  const t = unique("Long history");
  let revisions = "";
  for (let i = 1; i <= 10_000; i++) {
    const lines = Array.from({ length: 1 + (i % 7) }, (_, k) => `line ${k} written at ${k === i % 7 ? i : 0}`);
    revisions += revision(100_000 + i, new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(), lines.join("\n"), `<username>Writer ${i % 3}</username>`);
  }
  const result = await importMediaWiki(slowly(dump(page(t, 1, revisions))), { origin: "shell" });
  assert.equal(result.revisions, 10_000);
  const history = await listHistory(t, { limit: 1 }, PUBLIC_ACCESS);
  assert.equal(history.revisions[0]!.number, 10_000);
  const blame = await readBlame(t, null, PUBLIC_ACCESS);
  // revision 10,000: lines 0..3 (10000 % 7 = 4); line 4 was written by revision 10,000 itself
  assert.equal(blame.lines.length, 5);
  assert.equal(blame.lines[4]!.revision.number, 10_000);
  assert.equal(blame.lines[4]!.revision.author?.username, "Writer_1");
});

test("an import stopped part way (the process died) resumes: run again, it adds what is missing and nothing twice", async () => {
  const titles = Array.from({ length: 6 }, () => unique("Resumed"));
  const xml = dump(titles.map((t, i) => page(t, i + 1, revision(1000 + i * 2, "2022-01-01T00:00:00Z", `first ${i}`) + revision(1001 + i * 2, "2022-01-02T00:00:00Z", `second ${i}`))).join(""), { dbname: unique("resume") });
  async function* dies(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(xml.slice(0, xml.indexOf(titles[3]!)));
    throw new Error("the process was killed");
  }
  await assert.rejects(importMediaWiki(dies(), { origin: "shell" }), /killed/);
  const stopped = await db().importRun.findFirstOrThrow({ orderBy: { id: "desc" } });
  assert.equal(stopped.status, "failed");
  assert.ok(stopped.revisions >= 4, "the pages before the crash were kept");
  const resumed = await importMediaWiki(fromText(xml), { origin: "shell" });
  assert.equal(resumed.revisions + stopped.revisions, 12, "together: every revision once");
  for (const t of titles) assert.equal((await listHistory(t, { limit: 10 }, PUBLIC_ACCESS)).revisions.length, 2);
});

test("a newer export of a page moved or deleted here since the last import: its new revisions follow the page, or it is skipped", async () => {
  const dbname = unique("later");
  const [a, b] = [unique("Will move"), unique("Will go")];
  const older = dump(page(a, 1, revision(1, "2023-01-01T00:00:00Z", "a one")) + page(b, 2, revision(2, "2023-01-01T00:00:00Z", "b one")), { dbname });
  await importMediaWiki(fromText(older), { origin: "shell" });
  const moved = unique("Moved here");
  await movePage({ from: a, to: moved, leaveRedirect: false, author: people.admin });
  await deletePage({ title: b, reason: "not wanted", author: people.admin });
  const newer = dump(
    page(a, 1, revision(1, "2023-01-01T00:00:00Z", "a one") + revision(3, "2023-02-01T00:00:00Z", "a two")) +
    page(b, 2, revision(2, "2023-01-01T00:00:00Z", "b one") + revision(4, "2023-02-01T00:00:00Z", "b two")),
    { dbname },
  );
  const result = await importMediaWiki(fromText(newer), { origin: "shell" });
  assert.equal(result.revisions, 1);
  assert.equal((await getPageOrThrow(moved, PUBLIC_ACCESS)).markdown, "a two");
  assert.equal(await currentPageState(a), null, "no new page at the old title");
  assert.deepEqual(result.skipped.map((s) => s.title), [b]);
  assert.match(result.skipped[0]!.reason, /deleted here/);
});

test("another wiki's export under the same name: revisions with known ids but other times are never taken for imported ones", async () => {
  const dbname = unique("samename");
  const [one, two] = [unique("First wiki page"), unique("Second wiki page")];
  await importMediaWiki(fromText(dump(page(one, 1, revision(1, "2020-01-01T00:00:00Z", "from the first wiki")), { dbname })), { origin: "shell" });
  const result = await importMediaWiki(fromText(dump(page(two, 1, revision(1, "2021-06-06T00:00:00Z", "from the second wiki")) + page(unique("Fine"), 2, revision(2, "2021-06-07T00:00:00Z", "new")), { dbname })), { origin: "shell" });
  assert.equal(result.revisions, 1, "the page without a clash is imported");
  assert.deepEqual(result.skipped.map((s) => s.title), [two]);
  assert.match(result.skipped[0]!.reason, /another export/);
  assert.equal((await getPageOrThrow(one, PUBLIC_ACCESS)).markdown, "from the first wiki");
  assert.equal(await currentPageState(two), null);
});

test("what an import does not read is passed over: file contents (--include-files), other slots, newer elements", async () => {
  const t = unique("With upload");
  const big = "QUFB".repeat(3 * 1024 * 1024); // 12 MiB of base64, more than any element the import reads may hold
  const xml = dump(`<page><title>${t}</title><ns>0</ns><id>1</id><revision><id>1</id><parentid>0</parentid><timestamp>2020-01-01T00:00:00Z</timestamp>` +
    `<contributor><username>Uploader</username><id>3</id></contributor><minor/><comment>c</comment><origin>1</origin><model>wikitext</model><format>text/x-wiki</format>` +
    `<text bytes="4" sha1="x" xml:space="preserve">main</text><sha1>x</sha1>` +
    `<content><role>extra</role><origin>1</origin><model>json</model><format>application/json</format><text>{"not": "main"}</text></content></revision>` +
    `<upload><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>Uploader</username></contributor><filename>X.png</filename>` +
    `<contents encoding="base64">${big}</contents></upload><future-element>ignored</future-element></page>`, { dbname: unique("uploads") });
  const result = await importMediaWiki(slowly(xml), { origin: "shell" });
  assert.equal(result.revisions, 1);
  assert.equal((await getPageOrThrow(t, PUBLIC_ACCESS)).markdown, "main");
});

test("blame of an imported revert: lines brought back keep the revisions that first wrote them", async () => {
  const t = unique("Reverted");
  const alice = "Alice write\nsecond line";
  const carol = `${alice}\nCarol's line`;
  const xml = dump(
    page(
      t,
      1,
      revision(11, "2021-01-01T00:00:00Z", alice, "<username>Alice</username>") +
        revision(12, "2021-01-02T00:00:00Z", carol, "<username>Carol</username>") +
        revision(13, "2021-01-03T00:00:00Z", "VANDALISED", "<ip>192.0.2.66</ip>") +
        revision(14, "2021-01-04T00:00:00Z", carol, "<username>Bob</username>", "Reverted edits by 192.0.2.66"),
    ),
  );
  await importMediaWiki(fromText(xml), { origin: "shell" });
  const blame = await readBlame(t, null, PUBLIC_ACCESS);
  // (an earlier test's import holds the names Alice and Carol of another wiki: these may be renamed, so by number)
  assert.deepEqual(
    blame.lines.map((l) => [l.text, l.revision.number]),
    [["Alice write", 1], ["second line", 1], ["Carol's line", 2]],
    "nothing is credited to the revert (revision 4)",
  );
});
