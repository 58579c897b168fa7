import { test } from "node:test";
import assert from "node:assert/strict";
import { applyAction, blockSnippet, insertBlock, matchBlocks, type TextChange } from "./commands";

/** The text after a change, with `|` at the cursor (or `[` `]` around a selection). */
function after(doc: string, c: TextChange): string {
  const text = doc.slice(0, c.from) + c.insert + doc.slice(c.to);
  if (c.anchor === c.head) return `${text.slice(0, c.anchor)}|${text.slice(c.anchor)}`;
  return `${text.slice(0, c.anchor)}[${text.slice(c.anchor, c.head)}]${text.slice(c.head)}`;
}

test("a formatting button with no selection leaves the cursor where the next typed text takes the format", () => {
  assert.equal(after("Say ", applyAction("bold", "Say ", 4, 4)), "Say **|**");
  assert.equal(after("", applyAction("italic", "", 0, 0)), "_|_");
  assert.equal(after("", applyAction("code", "", 0, 0)), "`|`");
  assert.equal(after("", applyAction("link", "", 0, 0)), "[[|]]");
  assert.equal(after("", applyAction("heading", "", 0, 0)), "## |", "clicking Heading and typing makes a heading, never replaces the prefix");
  assert.equal(after("Agenda", applyAction("heading", "Agenda", 3, 3)), "## Agenda|");
  assert.equal(after("", applyAction("bullets", "", 0, 0)), "- |");
  assert.equal(after("", applyAction("numbers", "", 0, 0)), "1. |");
  assert.equal(after("", applyAction("tasks", "", 0, 0)), "- [ ] |");
  assert.equal(after("", applyAction("quote", "", 0, 0)), "> |");
});

test("with a selection the buttons format it, and a second press takes the format away", () => {
  assert.equal(after("a word here", applyAction("bold", "a word here", 2, 6)), "a **[word]** here");
  assert.equal(after("a **word** here", applyAction("bold", "a **word** here", 4, 8)), "a [word] here");
  assert.equal(after("a **word** here", applyAction("bold", "a **word** here", 2, 10)), "a [word] here");
  const lines = "one\ntwo\n\nthree";
  assert.equal(after(lines, applyAction("numbers", lines, 0, lines.length)), "[1. one\n2. two\n\n3. three]");
  assert.equal(after("- one\n- two", applyAction("bullets", "- one\n- two", 0, 11)), "[one\ntwo]");
  assert.equal(after("- one", applyAction("tasks", "- one", 0, 5)), "[- [ ] one]", "a bulleted line becomes a task, not `- - [ ]`");
  assert.equal(after("## Old", applyAction("quote", "## Old", 0, 6)), "[> Old]");
});

test("blocks go on a line of their own; a table starts with its first heading selected", () => {
  assert.equal(after("Intro", applyAction("table", "Intro", 5, 5)), "Intro\n\n| [Column 1] | Column 2 |\n| -------- | -------- |\n|          |          |");
  assert.equal(after("a\n\n", insertBlock("a\n\n", 3, blockSnippet("codeblock"))), "a\n\n```\n|\n```");
  assert.equal(after("", insertBlock("", 0, blockSnippet("note"))), "> [!NOTE]\n> |");
  assert.deepEqual(matchBlocks("list").map((b) => b.id), ["bullets", "numbers", "tasks"]);
  assert.deepEqual(matchBlocks("TAB").map((b) => b.id), ["table"]);
  assert.equal(matchBlocks("").length, 13);
});

test("Enter continues a list, a task list, a numbered list and a quote; on an empty item it ends the list", async () => {
  const { continueList } = await import("./commands");
  const enter = (doc: string, at = doc.length) => {
    const c = continueList(doc, at);
    return c ? after(doc, c) : null;
  };
  assert.equal(enter("- one"), "- one\n- |");
  assert.equal(enter("  * nested"), "  * nested\n  * |");
  assert.equal(enter("- [x] done"), "- [x] done\n- [ ] |", "a new task is not done yet");
  assert.equal(enter("9. nine"), "9. nine\n10. |");
  assert.equal(enter("1) paren"), "1) paren\n2) |");
  assert.equal(enter("> quoted"), "> quoted\n> |");
  assert.equal(enter("> - in a quote"), "> - in a quote\n> - |");
  assert.equal(enter("- split here", 7), "- split\n- | here", "the text after the cursor moves to the new item");
  assert.equal(enter("- one\n- "), "- one\n|", "an empty item ends the list");
  assert.equal(enter("plain text"), null);
  assert.equal(enter("```\n- not a list"), null, "inside fenced code Enter is a new line");
  assert.equal(enter("```\ncode\n```\n- a list"), "```\ncode\n```\n- a list\n- |");
  assert.equal(enter("- one", 0), null, "before the marker it is a new line");
});
