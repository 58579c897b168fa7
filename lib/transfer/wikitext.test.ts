import { test } from "node:test";
import assert from "node:assert/strict";
import { renderMarkdown } from "@/lib/markdown/render";
import { wikitextToMarkdown } from "./wikitext";

const md = (text: string, title = "Page") => wikitextToMarkdown(text, { title });

test("headings, bold, italics and both, closed at the end of a line as MediaWiki does", () => {
  assert.equal(md("== Two ==\n=== Three ===\n====== Six ======"), "## Two\n### Three\n###### Six");
  assert.equal(md("'''b''' ''i'' '''''bi''''' '''open"), "**b** *i* ***bi*** **open**");
  assert.equal(md("l''''apostrophe''''"), "l'**apostrophe'**");
});

test("internal links: labels, sections, trails, subpages, parents, a leading colon, first-letter capitals", () => {
  assert.equal(md("[[dog]]s and [[Dog|the dog]] and [[Dog#Food|food]] and [[Dog#Food]]"),
    "[[Dog|dogs]] and [[Dog|the dog]] and [[Dog#Food|food]] and [[Dog#Food|Dog#Food]]");
  assert.equal(md("[[/Sub]] [[/Sub/]] [[../]] [[../Sibling]]", "Top/Page"),
    "[[Top/Page/Sub|/Sub]] [[Top/Page/Sub|Sub]] [[Top]] [[Top/Sibling]]");
  assert.equal(md("[[:Category:Cats]] [[big_cat]]"), "[[:Category:Cats]] [[Big cat|big_cat]]");
  assert.equal(wikitextToMarkdown("[[dog]]", { title: "P", firstLetter: false }), "[[dog]]");
});

test("external links, bare URLs, and files as embeds with their caption", () => {
  assert.equal(md("[https://example.org/a_(b) Example] [https://example.org] https://example.org/x"),
    "[Example](https://example.org/a_%28b%29) <https://example.org> https://example.org/x");
  assert.equal(md("[[File:Cat.png|thumb|left|200px|alt=A|A [[cat]] sleeping]] [[Image:Dog.jpg]]"),
    "[[File:Cat.png|thumb|left|200px|alt=A|A cat sleeping]] [[File:Dog.jpg]]");
  assert.equal(md("[[Image:Map.svg|thumbnail|centre|x120px|upright=1.2|baseline|link=Main Page|300x200px|The [[map]]]]"),
    "[[File:Map.svg|thumb|center|link=Main Page|300px|The map]]", "MediaWiki's spellings become Vellum's; options Vellum does not show are left out");
});

test("lists nest, numbered and bulleted, definition lists and indents become quotes; a list ends before a paragraph", () => {
  assert.equal(md("* a\n** b\n*# c\n# one\n## two\nafter"), "- a\n  - b\n  1. c\n1. one\n   1. two\n\nafter");
  assert.equal(md(";Term : definition\n:indented\n::twice"), "**Term**\n> definition\n> indented\n> > twice");
});

test("tables: a header row, cell attributes dropped, pipes escaped; spans and nested tables are kept as wikitext", () => {
  assert.equal(md('{| class="wikitable"\n|+ Caption\n! A !! B\n|-\n| style="x" | 1 || 2\n|-\n| a|b\n|}'),
    "*Caption*\n\n| A | B |\n| --- | --- |\n| 1 | 2 |\n| a\\|b |  |");
  const spanned = '{|\n| rowspan="2" | x\n|}';
  assert.equal(md(spanned), "```wikitext\n" + spanned + "\n```");
});

test("pre, leading spaces, code, nowiki, math and templates keep their text; categories become one line at the end", () => {
  assert.equal(md("<pre>\n[[x]] '''y''' &lt;\n</pre>"), "```\n[[x]] '''y''' <\n```");
  assert.equal(md(" spaced\n also"), "```\nspaced\nalso\n```");
  assert.equal(md("<code>a `b`</code> <nowiki>[[x]] *y*</nowiki>"), "`` a `b` `` \\[\\[x\\]\\] \\*y\\*");
  assert.equal(md("{{Stub}} {{#if: a | b }} {{{1}}}"), "`{{Stub}}` `{{#if: a | b }}` `{{{1}}}`");
  assert.equal(md("{{Infobox\n| a = 1\n}}\nText"), "```wikitext\n{{Infobox\n| a = 1\n}}\n```\n\nText");
  assert.equal(md("Text [[Category:B]]\n[[Category:A|sort]]"), "Text\n\nCategories: [[Category:B]], [[Category:A]]");
  assert.equal(md("<math>x^2</math>"), "$x^2$");
});

test("plain text that Markdown would read differently is escaped; snake_case and tags stay", () => {
  assert.equal(md("1. not a list\n- nor this\n> nor a quote\n# a numbered item"), "\\1. not a list\n\\- nor this\n\\> nor a quote\n1. a numbered item");
  assert.equal(md("2 * 3 * 4 `x` a_b_c _em_ $5 &amp; &lt;b&gt; <br>"), "2 \\* 3 \\* 4 \\`x\\` a_b_c \\_em\\_ \\$5 & &lt;b&gt; <br>");
});

test("redirects stay redirects; other namespaces stay page titles", () => {
  assert.equal(md("#REDIRECT [[target page#Part]]"), "#REDIRECT [[Target page#Part]]");
  assert.equal(md("#redirect:[[Other]]\n[[Category:Redirects]]"), "#REDIRECT [[Other]]\n\nCategories: [[Category:Redirects]]");
});

test("what it writes renders: the converted text's wiki links are links, its templates code", async () => {
  const out = md("'''Cats''' like [[Fish|fish]].\n\n{{Citation needed}}");
  const { html, links } = renderMarkdown(out);
  assert.deepEqual(links.map((l) => l.title), ["Fish"]);
  assert.match(html, /<strong>Cats<\/strong>/);
  assert.match(html, /<code>\{\{Citation needed\}\}<\/code>/);
});

test("hostile wikitext stays linear: unclosed brackets, braces, tags, quotes and list markers by the hundred thousand", () => {
  for (const unit of ["[[", "{{", "<nowiki>", "<code>", "<!--", "''", "[http://x ", "{|\n", "*", "#:", " "]) {
    const text = unit.repeat(200_000 / unit.length);
    // a guard against a hang, not a speed goal: linear work here takes well under a second, quadratic minutes
    const started = process.hrtime.bigint();
    const out = md(text);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    assert.ok(seconds < 20, `${JSON.stringify(unit)} x ${text.length / unit.length} took ${seconds.toFixed(1)} s`);
    assert.ok(out.length > 0 || unit === " ", unit);
  }
  assert.equal(md("*".repeat(1000) + " deep").split("- ")[0]!.length, 62, "lists deeper than 32 are written at 32");
});
