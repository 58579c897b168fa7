import { test } from "node:test";
import assert from "node:assert/strict";
import { isCode, testPeople, unique } from "@/lib/testing/factories";
import { deletePage, movePage, restorePage, revertPage } from "./page-lifecycle";
import { savePage } from "./save";
import { searchPages } from "./search";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ editor: "editor", admin: "admin" });

const create = (title: string, markdown: string, author = people.editor) => savePage({ title, markdown, baseRevisionId: null, author });
const titles = async (q: string) => (await searchPages(q, { limit: 50, offset: 0 }, PUBLIC_ACCESS)).results.map((r) => r.title);

test("search: words, stems, title above text, snippets escaped with <mark>", async () => {
  const tag = unique("zq").replace("-", "");
  const inTitle = `Gardening ${tag}`;
  const inText = unique("Notes");
  await create(inText, `We talk about gardening ${tag} here, with <b>tags</b> & things.\n`);
  await create(inTitle, "Soil and seeds.\n");
  const found = await searchPages(`gardening ${tag}`, { limit: 10, offset: 0 }, PUBLIC_ACCESS);
  assert.deepEqual(found.results.map((r) => r.title), [inTitle, inText], "the title match first");
  assert.equal(found.total, 2);
  const snippet = found.results[1]!.snippet;
  assert.match(snippet, /<mark>gardening<\/mark>/i);
  assert.ok(snippet.includes("&amp; things"), `page text is escaped: ${snippet}`);
  assert.doesNotMatch(snippet.replace(/<\/?mark>/g, ""), /<|>/, "nothing but <mark> is markup");
  assert.ok((await titles(`gardens ${tag}`)).includes(inTitle), "stems: gardens finds gardening");
});

test("search: any language, substrings and typos of titles; the exact title first", async () => {
  const tag = unique("t").replace("-", "");
  const german = `Straße ${tag}`;
  await create(german, "Über die Größe der Stadt. Schöne Grüße.\n");
  const japanese = unique("日本");
  await create(japanese, "日本語のテキストです。東京タワー🗼が見えます。\n");
  const emoji = unique("Emoji");
  await create(emoji, `Party time 🎉 ${tag}\n`);
  assert.ok((await titles(`straße ${tag}`)).includes(german));
  assert.ok((await titles(`Größe ${tag}`)).includes(german), "umlauts and ß in the text");
  assert.ok((await titles("東京タワー")).includes(japanese), "a Japanese word inside a sentence");
  assert.ok((await titles("🗼")).includes(japanese), "an emoji");
  assert.ok((await titles(`🎉 ${tag}`)).includes(emoji));
  const long = `Photosynthesis Overview ${tag}`;
  await create(long, "Light into sugar.\n");
  assert.ok((await titles(`synthesis overview ${tag}`)).includes(long), "a substring of a title");
  assert.ok((await titles(`Photosinthesis Overview ${tag}`)).includes(long), "a typo");
  await create(`${long} extended`, "More.\n");
  assert.equal((await titles(long))[0], long, "the exact title first");
});

test("search: odd queries answer, never fail; over 500 characters is a 400; deleted pages are never found", async () => {
  const odd = [
    '"unbalanced', "a & | ! b", "foo:*", "a <-> b", "!!!", "\\", "\\\\'", "'; DROP TABLE pages; --", "<script>alert(1)</script>",
    "%_%", "(((", ")", ":", "*", "-", "or", "\u0000nul", "😀".repeat(100), "x".repeat(500), "  ", "",
  ];
  for (const q of odd) {
    const r = await searchPages(q, { limit: 5, offset: 0 }, PUBLIC_ACCESS);
    assert.ok(Array.isArray(r.results), `query ${JSON.stringify(q).slice(0, 40)}`);
  }
  await assert.rejects(searchPages("x".repeat(501), { limit: 5, offset: 0 }, PUBLIC_ACCESS), isCode("bad_request"));
  const tag = unique("gone").replace("-", "");
  const doomed = `Doomed ${tag}`;
  await create(doomed, `findme${tag}\n`);
  assert.deepEqual(await titles(`findme${tag}`), [doomed]);
  await deletePage({ title: doomed, reason: "test", author: people.admin });
  assert.deepEqual(await titles(`findme${tag}`), []);
  assert.deepEqual(await titles(doomed), []);
});

test("search: a mistyped word of the text is corrected to a word the wiki uses, in any language; asTyped turns it off", async () => {
  const tag = unique("sp").replace("-", "");
  const english = unique("Don Quixote");
  await create(english, `A quixotic ${tag} plan, hopeless and grand.\n`);
  const german = unique("Stadtplan");
  await create(german, `Die Verkehrsberuhigung ${tag} der Innenstadt.\n`);
  const russian = unique("Москва");
  await create(russian, `Здесь живёт медведь ${tag}.\n`);
  const cases: [string, string, string][] = [
    [`quixotik ${tag}`, `quixotic ${tag}`, english],
    [`Verkehrsberuhigng ${tag}`, `verkehrsberuhigung ${tag}`, german],
    [`медвед ${tag}`, `медведь ${tag}`, russian],
  ];
  for (const [typed, meant, page] of cases) {
    const found = await searchPages(typed, { limit: 10, offset: 0 }, PUBLIC_ACCESS);
    assert.deepEqual(found.correction, { query: meant, original: typed }, `corrected: ${typed}`);
    assert.deepEqual(found.results.map((r) => r.title), [page], `found: ${typed}`);
    const asTyped = await searchPages(typed, { limit: 10, offset: 0, asTyped: true }, PUBLIC_ACCESS);
    assert.equal(asTyped.correction, null);
    assert.equal(asTyped.total, 0, "as typed, the mistyped word matches nothing");
  }
  // a word the wiki knows is never "corrected", and a query that finds pages keeps its own results
  const exact = await searchPages(`quixotic ${tag}`, { limit: 10, offset: 0 }, PUBLIC_ACCESS);
  assert.equal(exact.correction, null);
  assert.equal(exact.didYouMean, null);
  assert.deepEqual(exact.results.map((r) => r.title), [english]);
});

test("search: a query that names a page it found offers no other spelling", async () => {
  const tag = unique("dym").replace("-", "").toLowerCase();
  // a rare spelling in a title, and a common neighbour the dictionary would prefer
  const rare = unique(`Quixotik ${tag}`);
  await create(rare, `The page named by its own odd spelling.\n`);
  for (let i = 0; i < 3; i++) await create(unique("Common"), `A quixotic ${tag} thought, number ${i}.\n`);
  const typed = rare.toLowerCase();
  const found = await searchPages(typed, { limit: 10, offset: 0 }, PUBLIC_ACCESS);
  assert.ok(found.results.some((r) => r.title === rare), "the page is found as typed");
  assert.equal(found.didYouMean, null, `no "Did you mean" for a query that found its page (${found.didYouMean})`);
});

test("search: the dictionary follows edits, deletes and restores", async () => {
  const word = `xylophonic${unique("w").replace("-", "")}`.toLowerCase();
  const title = unique("Instruments");
  const made = await create(title, `A ${word} tune.\n`);
  const typo = word.replace("phonic", "phonik");
  assert.equal((await searchPages(typo, { limit: 5, offset: 0 }, PUBLIC_ACCESS)).correction?.query, word);
  await savePage({ title, markdown: "Nothing special.\n", baseRevisionId: made.revision.id, author: people.editor });
  assert.equal((await searchPages(typo, { limit: 5, offset: 0 }, PUBLIC_ACCESS)).correction, null, "the word left with the edit");
  await revertPage({ title, revisionId: made.revision.id, author: people.editor });
  assert.equal((await searchPages(typo, { limit: 5, offset: 0 }, PUBLIC_ACCESS)).correction?.query, word, "back with the revert");
  await deletePage({ title, reason: "test", author: people.admin });
  assert.equal((await searchPages(typo, { limit: 5, offset: 0 }, PUBLIC_ACCESS)).correction, null, "gone with the page");
  await restorePage({ title, author: people.admin });
  assert.equal((await searchPages(typo, { limit: 5, offset: 0 }, PUBLIC_ACCESS)).correction?.query, word, "back with the restore");
});

test("search: snippets are the text a reader sees: no link brackets, emphasis marks or HTML", async () => {
  const tag = unique("zanzibarian").replace("-", "");
  const title = unique("Snippets");
  await create(title, `See [[Leaf]] and [[Other page|the other]]. The word **${tag}** lives _here_, with <span>markup</span> & \`code\`.\n`);
  const [hit] = (await searchPages(tag, { limit: 5, offset: 0 }, PUBLIC_ACCESS)).results;
  assert.ok(hit, "found");
  const text = hit.snippet.replace(/<\/?mark>/g, "");
  assert.match(hit.snippet, new RegExp(`<mark>${tag}</mark>`));
  for (const source of ["[[", "]]", "**", "_here_", "<span>", "&lt;span", "`"]) assert.ok(!text.includes(source), `no ${source} in ${text}`);
  assert.ok(text.includes("Leaf and the other."), `link labels as read: ${text}`);
  assert.ok(text.includes("&amp; code"), `text escaped: ${text}`);
});

test("search: hostile text is indexed in linear time, and stays findable", async () => {
  // each of these runs makes PostgreSQL's text-search parser quadratic when handed to it whole (decision 0018)
  const shapes = ["_a", "a-b.", "_1", "a_", "a.", "a/", "x@a.", "1-", "http://a."];
  for (const shape of shapes) {
    const title = unique("Hostile");
    const tag = unique("hostile").replace("-", "");
    const markdown = `${tag} ${shape.repeat(Math.ceil(60_000 / shape.length))}\n`;
    await create(title, markdown);
    // (another page of this loop may come too: titles that look alike, "Hostile-…", are offered as typos of the tag)
    assert.ok((await titles(tag)).includes(title), `found after saving ${JSON.stringify(shape)} repeated`);
  }
});

test("search: a long query of common words answers, using its first 10 words", async () => {
  const common = "the of and to in is was for on that with as by at from his it an were are which this be or has had not but".split(" ");
  const body = Array.from({ length: 3000 }, (_, i) => common[i % common.length]).join(" ");
  for (let i = 0; i < 5; i++) await create(unique("Common"), `${body}\n`);
  const query = Array.from({ length: 80 }, (_, i) => common[i % common.length] + (i >= common.length ? String(i) : "")).join(" ").slice(0, 500);
  const found = await searchPages(query, { limit: 50, offset: 0 }, PUBLIC_ACCESS);
  assert.ok(found.ignoredWords > 0, "words past the tenth are left out");
  assert.ok(Array.isArray(found.results));
});

test("search follows moves and edits in their transactions", async () => {
  // the words in the text share nothing with the titles, so no title similarity finds them
  const tag = unique("mv").replace("-", "");
  const [apple, banana] = [unique("apple").replace("-", ""), unique("banana").replace("-", "")];
  const from = `Before ${tag}`;
  const made = await create(from, `${apple}\n`);
  await savePage({ title: from, markdown: `${banana}\n`, baseRevisionId: made.revision.id, author: people.editor });
  assert.deepEqual(await titles(apple), []);
  assert.deepEqual(await titles(banana), [from]);
  await movePage({ from, to: `After ${tag}`, leaveRedirect: false, author: people.editor });
  assert.deepEqual(await titles(banana), [`After ${tag}`]);
});

