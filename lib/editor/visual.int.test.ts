import { after, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { db } from "@/lib/db";
import { closeTestConnections } from "@/lib/testing/factories";
import { EVERY_CONSTRUCT } from "@/lib/testing/markdown-corpus";
import { readDump } from "@/lib/transfer/mediawiki-xml";
import { wikitextToMarkdown } from "@/lib/transfer/wikitext";
import { EditorState } from "@tiptap/pm/state";
import { readMarkdown, roundTrip, toMarkdown, originalOf, visualSchema } from "./visual";

// The visual mode's promise (decision 0031): Markdown read into its document and written back without an edit is
// the same text, byte for byte, so opening a page in Visual and saving makes no revision. Proven over the
// generated pages with every construct, the MediaWiki fixture's pages as imported, and every revision in this
// database (what the integration tests wrote before this file ran, whichever they were).

after(closeTestConnections);

function assertRoundTrip(name: string, markdown: string) {
  const out = roundTrip(markdown);
  if (out !== markdown) {
    const at = [...out].findIndex((c, i) => c !== markdown[i]);
    assert.fail(`${name}: the visual mode changed the text at ${at}: ${JSON.stringify(markdown.slice(Math.max(0, at - 30), at + 30))} became ${JSON.stringify(out.slice(Math.max(0, at - 30), at + 30))}`);
  }
}

test("every construct the renderer knows survives the visual mode unchanged", () => {
  for (const [name, markdown] of Object.entries(EVERY_CONSTRUCT)) assertRoundTrip(name, markdown);
  assertRoundTrip("all together", Object.values(EVERY_CONSTRUCT).join("\n"));
});

test("the MediaWiki fixture's pages, as imported, survive the visual mode unchanged", async () => {
  const xml = readFileSync(path.join(import.meta.dirname, "../transfer/fixtures/mediawiki-1.39.xml"));
  let title = "";
  let revisions = 0;
  for await (const event of readDump([xml])) {
    if (event.type === "page") title = event.title;
    if (event.type !== "revision") continue;
    assertRoundTrip(`${title} (MediaWiki revision ${event.revision.id})`, wikitextToMarkdown(event.revision.text, { title }));
    revisions++;
  }
  assert.ok(revisions > 3, "the fixture was read");
});

test("every revision in the database survives the visual mode unchanged", async () => {
  const rows = await db().revision.findMany({ select: { id: true, markdown: true }, take: 5000, orderBy: { id: "desc" } });
  for (const r of rows) assertRoundTrip(`revision ${r.id}`, r.markdown);
});

test("an edit changes only the block edited: the blocks around it keep their exact text", () => {
  const markdown = "Intro with_underscores and &copy; *stars*.\n\n\n## Heading ##\n\nA paragraph to edit.\n\n* star list\n* kept as typed\n";
  const read = readMarkdown(markdown);
  const doc = visualSchema().nodeFromJSON(read.doc);
  const original = originalOf(read, doc, markdown);
  let target = -1;
  doc.forEach((n, offset) => {
    if (n.textContent === "A paragraph to edit.") target = offset;
  });
  const edited = EditorState.create({ doc }).tr.insertText("One sentence", target + 1, target + 1 + "A paragraph".length).doc;
  assert.equal(
    toMarkdown(edited, original),
    "Intro with_underscores and &copy; *stars*.\n\n\n## Heading ##\n\nOne sentence to edit.\n\n* star list\n* kept as typed\n",
  );
  // a new block and a deleted one
  const paragraph = visualSchema().nodes.paragraph!.create(null, visualSchema().text("New *literal* [text] $5"));
  const added = EditorState.create({ doc: edited }).tr.insert(edited.content.size, paragraph).doc;
  assert.match(toMarkdown(added, original), /kept as typed\n\nNew \\\*literal\\\* \\\[text\\\] \\\$5\n$/, "new text is escaped so it reads back as typed");
});

test("a block written afresh reads back as the same block (what an edited block becomes is what was edited)", () => {
  const fresh = { nodes: [], sources: [], prefix: "", endsWithNewline: true };
  for (const [name, markdown] of Object.entries(EVERY_CONSTRUCT)) {
    const read = readMarkdown(markdown);
    if (read.sources.length === 1 && read.sources[0] === markdown && read.doc.content?.[0]?.type === "rawBlock") continue; // one block as typed (a carriage return): nothing to write afresh
    const doc = visualSchema().nodeFromJSON(read.doc);
    const written = toMarkdown(doc, fresh);
    const again = visualSchema().nodeFromJSON(readMarkdown(written).doc);
    assert.deepEqual(again.toJSON(), doc.toJSON(), `${name}: written afresh as ${JSON.stringify(written)}`);
  }
});

test("blocks with no blank line between them stay so when another block is edited, and the editor's trailing empty paragraph is never written", () => {
  const markdown = "# Heading\nText right under it.\n- a list\n- right after\n\nEdit me.\n";
  const read = readMarkdown(markdown);
  const doc = visualSchema().nodeFromJSON(read.doc);
  const original = originalOf(read, doc, markdown);
  const state = EditorState.create({ doc });
  const withTrailing = state.tr.insert(doc.content.size, visualSchema().nodes.paragraph!.create()).doc;
  assert.equal(toMarkdown(withTrailing, original), markdown, "an empty paragraph at the end (TipTap's trailing node) changes nothing");
  let at = -1;
  withTrailing.forEach((n, offset) => {
    if (n.textContent === "Edit me.") at = offset;
  });
  const edited = EditorState.create({ doc: withTrailing }).tr.insertText("Edited", at + 1, at + 1 + "Edit me".length).doc;
  assert.equal(toMarkdown(edited, original), "# Heading\nText right under it.\n- a list\n- right after\n\nEdited.\n");
});
