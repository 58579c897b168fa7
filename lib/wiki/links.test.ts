import { test } from "node:test";
import assert from "node:assert/strict";
import { renderMarkdown } from "@/lib/markdown/render";
import { linkTargets, writeLinks, type LinkState } from "./links";

test("markers become blue, red or redirect links, written from the link list alone", () => {
  const { html, links } = renderMarkdown('[[Here]] [[Gone|<b>x</b>]] [[Moved#Some part]] [[Here|again]] [[Café & "Co"/Sub]]');
  assert.deepEqual(linkTargets(links), ["Here", "Gone", "Moved", 'Café & "Co"/Sub']);
  const states = new Map<string, LinkState>([["Here", "page"], ["Moved", "redirect"], ['Café & "Co"/Sub', "page"]]);
  const out = writeLinks(html, links, states);
  assert.match(out, /<a href="\/wiki\/Here" title="Here">Here<\/a>/);
  assert.match(out, /<a class="new" href="\/edit\/Gone" title="Gone \(page does not exist\)">&lt;b&gt;x&lt;\/b&gt;<\/a>/);
  assert.match(out, /<a class="redirect" href="\/wiki\/Moved#user-content-some-part" title="Moved">/);
  assert.match(out, /<a href="\/wiki\/Caf%C3%A9_%26_%22Co%22\/Sub" title="Café &amp; &quot;Co&quot;\/Sub">/);
  assert.doesNotMatch(out, /data-wl/, "no marker is left");
});

test("a marker with no link behind it becomes an inert anchor", () => {
  assert.equal(writeLinks('<a data-wl="7">x</a>', [{ title: "A", fragment: "" }], new Map()), "<a>x</a>");
});
