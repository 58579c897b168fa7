import { test } from "node:test";
import assert from "node:assert/strict";
import { renderMarkdown } from "@/lib/markdown/render";
import { linkTargets, writeLinks, type LinkTarget } from "./links";

test("markers become blue, red or redirect links, written from the link list alone", () => {
  const { html, links } = renderMarkdown('[[Here]] [[Gone|<b>x</b>]] [[Moved#Some part]] [[Here|again]] [[Café & "Co"/Sub]]');
  assert.deepEqual(linkTargets(links), ["Here", "Gone", "Moved", 'Café & "Co"/Sub']);
  const states = new Map<string, LinkTarget>([["Here", { state: "page" }], ["Moved", { state: "redirect" }], ['Café & "Co"/Sub', { state: "page" }]]);
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

test("a file embed becomes an image with its size, lazy loading, srcset and caption; a missing one a red link to upload it", () => {
  const { html, links } = renderMarkdown("[[File:Map.png|The map]] ![Alt text](File:Map.png) [[File:Paper.pdf]] [[File:Gone.png]] [[:File:Map.png]]");
  const file = { versionId: 7, name: "Map.png", contentType: "image/png", width: 2000, height: 1000 };
  const targets = new Map<string, LinkTarget>([
    ["File:Map.png", { state: "page", file }],
    ["File:Paper.pdf", { state: "page", file: { versionId: 8, name: "Paper.pdf", contentType: "application/pdf", width: null, height: null } }],
  ]);
  const out = writeLinks(html, links, targets);
  assert.match(out, /<img src="\/media\/7\/Map\.png\?width=800" alt="The map" width="800" height="400" loading="lazy"/);
  assert.match(out, /srcset="[^"]*\/media\/7\/Map\.png\?width=1600 1600w"/);
  assert.match(out, /<span class="caption">The map<\/span>/);
  assert.match(out, /<img src="[^"]+" alt="Alt text"/);
  assert.equal(out.match(/class="caption"/g)?.length, 1, "only the [[File:...|text]] form has a caption");
  assert.match(out, /<a class="file-link" href="\/file\/File:Paper\.pdf"[^>]*>File:Paper\.pdf<\/a>/);
  assert.match(out, /<a class="new" href="\/upload\/File:Gone\.png"/);
  assert.match(out, /<a href="\/wiki\/File:Map\.png" title="File:Map\.png">File:Map\.png<\/a>/, "[[:File:...]] is a plain link");
});

test("an embed's options size, place, frame and link the image; a phone-sized caption stays with its image", () => {
  const { html, links } = renderMarkdown("[[File:Map.png|200px|right|thumb|alt=A map|Where we are]] [[File:Map.png|thumb]] [[File:Map.png|frameless|link=|No caption]] [[File:Map.png|link=https://example.org/x|Web]] [[File:Map.png|link=Other page|P]]");
  const file = { versionId: 7, name: "Map.png", contentType: "image/png", width: 2000, height: 1000 };
  const out = writeLinks(html, links, new Map<string, LinkTarget>([["File:Map.png", { state: "page", file }]]));
  const [first, thumb, frameless, web, page] = out.split("</span> ");
  assert.match(first!, /^<p><span class="wiki-image captioned frame-thumb align-right"><a class="image" href="\/wiki\/File:Map\.png"><img src="\/media\/7\/Map\.png\?width=200" alt="A map" width="200" height="100"/);
  assert.match(first!, /<span class="caption">Where we are<\/span>$/);
  assert.match(thumb!, /width="250" height="125"/, "a thumbnail without a width is MediaWiki's default size");
  assert.match(frameless!, /^<span class="wiki-image frame-frameless"><img /, "link= with nothing: no link; frameless: no caption");
  assert.match(web!, /<a class="image external" href="https:\/\/example\.org\/x" rel="nofollow ugc noopener noreferrer">/);
  assert.match(page!, /<a class="image" href="\/wiki\/Other_page">/);
  const hostile = writeLinks(renderMarkdown('[[File:Map.png|link=javascript:alert(1)|x]] [[File:Map.png|link="><b>|y]]').html, renderMarkdown('[[File:Map.png|link=javascript:alert(1)|x]] [[File:Map.png|link="><b>|y]]').links, new Map<string, LinkTarget>([["File:Map.png", { state: "page", file }]]));
  assert.doesNotMatch(hostile, /href="javascript:|<b>/);
  assert.match(hostile, /href="\/wiki\/javascript:alert\(1\)"/, "a link= that is not an address is a title, a path of this site");
});
