// The editor's formatting actions on Markdown text (docs/decisions/0031-writing.md): pure functions from a text
// and its selection to one change and where the selection goes, so the Markdown mode (CodeMirror) applies them
// as one undoable transaction and the unit tests read them without a browser. The visual mode runs the same
// actions as ProseMirror commands (lib/editor/visual.ts); both offer the names in ACTIONS.

/** A change to the text: replace [from, to) with `insert`, then select [anchor, head] (offsets in the new text). */
export type TextChange = { from: number; to: number; insert: string; anchor: number; head: number };

/** The toolbar's actions, by their accessible names (the contract's). */
export const ACTIONS = [
  { id: "bold", label: "Bold", keys: "Ctrl+B" },
  { id: "italic", label: "Italic", keys: "Ctrl+I" },
  { id: "heading", label: "Heading", keys: "" },
  { id: "link", label: "Link", keys: "Ctrl+K" },
  { id: "bullets", label: "Bulleted list", keys: "" },
  { id: "numbers", label: "Numbered list", keys: "" },
  { id: "tasks", label: "Task list", keys: "" },
  { id: "quote", label: "Quote", keys: "" },
  { id: "code", label: "Code", keys: "Ctrl+E" },
  { id: "table", label: "Table", keys: "" },
] as const;
export type ActionId = (typeof ACTIONS)[number]["id"];

/** The blocks the `/` menu offers at the start of an empty line. */
export const BLOCKS = [
  { id: "h2", label: "Heading", hint: "Section heading", keywords: "heading title h2 section" },
  { id: "h3", label: "Subheading", hint: "Smaller heading", keywords: "heading subheading h3" },
  { id: "bullets", label: "Bulleted list", hint: "- item", keywords: "list bullet unordered" },
  { id: "numbers", label: "Numbered list", hint: "1. item", keywords: "list numbered ordered" },
  { id: "tasks", label: "Task list", hint: "- [ ] to do", keywords: "list task todo checkbox" },
  { id: "quote", label: "Quote", hint: "> quoted", keywords: "quote blockquote" },
  { id: "codeblock", label: "Code block", hint: "```", keywords: "code block fence pre" },
  { id: "table", label: "Table", hint: "| a | b |", keywords: "table grid" },
  { id: "note", label: "Note", hint: "> [!NOTE]", keywords: "note alert callout info" },
  { id: "warning", label: "Warning", hint: "> [!WARNING]", keywords: "warning alert callout caution" },
  { id: "math", label: "Formula", hint: "$$ … $$", keywords: "math formula equation latex" },
  { id: "divider", label: "Divider", hint: "---", keywords: "divider rule hr line" },
  { id: "image", label: "Image or file", hint: "Upload…", keywords: "image file upload picture" },
] as const;
export type BlockId = (typeof BLOCKS)[number]["id"];

/** The blocks whose label or keywords contain every word of `query` (what follows the `/`). */
export function matchBlocks(query: string): (typeof BLOCKS)[number][] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return BLOCKS.filter((b) => words.every((w) => `${b.label} ${b.keywords}`.toLowerCase().includes(w)));
}

/** A table to start from: a header row, its rule and one empty row. */
export const TABLE_TEMPLATE = "| Column 1 | Column 2 |\n| -------- | -------- |\n|          |          |\n";

/** The Markdown a block of the `/` menu starts, and where the cursor goes in it. */
export function blockSnippet(id: Exclude<BlockId, "image">): { text: string; cursor: number; selectTo?: number } {
  const at = (text: string, marker: string) => ({ text: text.replace(marker, ""), cursor: text.indexOf(marker) });
  switch (id) {
    case "h2": return at("## |", "|");
    case "h3": return at("### |", "|");
    case "bullets": return at("- |", "|");
    case "numbers": return at("1. |", "|");
    case "tasks": return at("- [ ] |", "|");
    case "quote": return at("> |", "|");
    case "codeblock": return at("```\n|\n```", "|");
    case "table": return tableSnippet();
    case "note": return at("> [!NOTE]\n> |", "|");
    case "warning": return at("> [!WARNING]\n> |", "|");
    case "math": return at("$$\n|\n$$", "|");
    case "divider": return at("---\n|", "|");
  }
}

/** A table with its first header cell selected, to be typed over. */
function tableSnippet() {
  const text = TABLE_TEMPLATE.trimEnd();
  return { text, cursor: 2, selectTo: 2 + "Column 1".length };
}

/** Where the line holding `at` starts and ends. */
function lineAround(doc: string, at: number): { start: number; end: number } {
  const start = doc.lastIndexOf("\n", at - 1) + 1;
  const nl = doc.indexOf("\n", at);
  return { start, end: nl === -1 ? doc.length : nl };
}

/**
 * Wrap the selection in `marker` (`**`, `_`, `` ` ``), or unwrap it when it is wrapped already. With no selection
 * the markers go in around the cursor, which stays between them: the next typed text takes the format.
 */
export function toggleWrap(doc: string, from: number, to: number, open: string, close = open): TextChange {
  const inside = doc.slice(from, to);
  if (inside.startsWith(open) && inside.endsWith(close) && inside.length >= open.length + close.length) {
    const bare = inside.slice(open.length, inside.length - close.length);
    return { from, to, insert: bare, anchor: from, head: from + bare.length };
  }
  if (doc.slice(from - open.length, from) === open && doc.slice(to, to + close.length) === close && from !== to) {
    return { from: from - open.length, to: to + close.length, insert: inside, anchor: from - open.length, head: to - open.length };
  }
  return { from, to, insert: open + inside + close, anchor: from + open.length, head: to + open.length };
}

/** A wiki link around the selection (`[[Selected]]`), or an empty one with the cursor inside for the title. */
export function wikiLink(doc: string, from: number, to: number): TextChange {
  return toggleWrap(doc, from, to, "[[", "]]");
}

/** Line prefixes the line actions set; a line has at most one of them (a heading's `#`s aside). */
const LINE_PREFIX = /^(?:#{1,6} |> |- \[[ xX]\] |[-*+] |\d{1,9}[.)] )/;

/**
 * Start every line the selection touches with `prefix` (`## `, `> `, `- `, `1. `, `- [ ] `), replacing another
 * line prefix; when every line has it already, take it away. Numbered lists count up. With no selection the
 * cursor goes after the prefix on its line, where the next typed text takes the format.
 */
export function toggleLinePrefix(doc: string, from: number, to: number, prefix: string): TextChange {
  const start = lineAround(doc, from).start;
  const end = lineAround(doc, to).end;
  const lines = doc.slice(start, end).split("\n");
  const numbered = /^\d/.test(prefix);
  const has = (line: string) => (numbered ? /^\d{1,9}[.)] /.test(line) : line.startsWith(prefix) && (prefix !== "- " || !/^- \[[ xX]\] /.test(line)));
  const removing = lines.every(has);
  let n = 0;
  const out = lines.map((line) => {
    const bare = line.replace(LINE_PREFIX, "");
    if (removing) return bare;
    if (line.trim() === "" && lines.length > 1) return line;
    n++;
    return (numbered ? `${n}. ` : prefix) + bare;
  });
  const insert = out.join("\n");
  if (from === to) {
    const lineEnd = start + insert.length;
    return { from: start, to: end, insert, anchor: lineEnd, head: lineEnd };
  }
  return { from: start, to: end, insert, anchor: start, head: start + insert.length };
}

/** Insert a block (`text`) on a line of its own at the cursor, with the cursor at `cursor` inside it. */
export function insertBlock(doc: string, at: number, block: { text: string; cursor: number; selectTo?: number }): TextChange {
  const { start, end } = lineAround(doc, at);
  const emptyLine = doc.slice(start, end).trim() === "";
  const before = emptyLine ? (start > 1 && doc[start - 2] !== "\n" ? "\n" : "") : "\n\n";
  const from = emptyLine ? start : end;
  const to = end;
  const after = doc.slice(to).startsWith("\n\n") || to === doc.length ? "" : "\n";
  const insert = before + block.text + after;
  const cursor = from + before.length + block.cursor;
  return { from, to, insert, anchor: cursor, head: block.selectTo !== undefined ? from + before.length + block.selectTo : cursor };
}

/** The change a toolbar action makes to the text and selection. */
export function applyAction(id: ActionId, doc: string, from: number, to: number): TextChange {
  switch (id) {
    case "bold": return toggleWrap(doc, from, to, "**");
    case "italic": return toggleWrap(doc, from, to, "_");
    case "code": return toggleWrap(doc, from, to, "`");
    case "link": return wikiLink(doc, from, to);
    case "heading": return toggleLinePrefix(doc, from, to, "## ");
    case "bullets": return toggleLinePrefix(doc, from, to, "- ");
    case "numbers": return toggleLinePrefix(doc, from, to, "1. ");
    case "tasks": return toggleLinePrefix(doc, from, to, "- [ ] ");
    case "quote": return toggleLinePrefix(doc, from, to, "> ");
    case "table": return insertBlock(doc, to, tableSnippet());
  }
}

/** A list item's or quote's start: indentation, quote marks, then a bullet (with a task box) or a number. */
const ITEM = /^([ \t]*(?:>[ \t]?)*)(?:([-*+])([ \t]+)(\[[ xX]\][ \t]+)?|(\d{1,9})([.)])([ \t]+))?/;
const FENCE_LINE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/** Is the line starting at `lineStart` inside fenced code (where Enter is only a new line)? */
function inFence(doc: string, lineStart: number): boolean {
  let fence = "";
  for (const line of doc.slice(0, lineStart).split("\n")) {
    const f = FENCE_LINE.exec(line);
    if (!f) continue;
    if (!fence) fence = f[1]!;
    else if (f[1]![0] === fence[0] && f[1]!.length >= fence.length) fence = "";
  }
  return fence !== "";
}

/**
 * Enter in a list item or a quote: a new item (the next number, an unticked box) with the text after the cursor,
 * or, on an item with nothing in it, the end of the list (the marker goes). Null: an ordinary new line.
 */
export function continueList(doc: string, at: number): TextChange | null {
  const { start, end } = lineAround(doc, at);
  const line = doc.slice(start, end);
  const m = ITEM.exec(line)!;
  const [prefix, outer = "", bullet, bulletSpace, task, number, delimiter, numberSpace] = m;
  if (!prefix || (!bullet && !number && !outer.includes(">")) || at < start + prefix.length) return null;
  if (inFence(doc, start)) return null;
  if (line.slice(prefix.length).trim() === "" && at === end) {
    // an empty item ends the list (an empty quote line ends the quote)
    return { from: start, to: end, insert: "", anchor: start, head: start };
  }
  const marker = bullet
    ? `${bullet}${bulletSpace}${task ? "[ ] " : ""}`
    : number
      ? `${Number(number) + 1}${delimiter}${numberSpace}`
      : "";
  const insert = `\n${outer}${marker}`;
  return { from: at, to: at, insert, anchor: at + insert.length, head: at + insert.length };
}
