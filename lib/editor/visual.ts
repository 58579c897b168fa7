import { getSchema, Node, mergeAttributes, type AnyExtension, type JSONContent } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import { Table, TableCell, TableHeader, TableRow } from "@tiptap/extension-table";
import { Marked, type Token, type Tokens } from "marked";
import type { Node as PMNode, Mark, Schema } from "@tiptap/pm/model";
import { DOMParser as PMDOMParser } from "@tiptap/pm/model";
import { editorSyntax } from "@/lib/markdown/syntax";

// The visual mode's document and its Markdown (docs/decisions/0031-writing.md). Markdown is read with the
// renderer's own syntax (marked with Vellum's extensions), so the visual mode sees exactly the blocks and inline
// parts a saved page has. Its promise: it never changes text it did not edit.
//   - Every top-level block remembers the exact source it was read from. Writing Markdown back, a block equal to
//     the one read (ProseMirror's structural equality) gives its source, byte for byte; only a block someone
//     changed is written afresh. Unchanged text therefore makes no revision.
//   - What the visual mode cannot show as itself keeps its source as text: an inline part (a wiki link, a
//     formula, inline HTML, an entity, a footnote reference, an image) is an atom showing its Markdown; a block
//     (HTML, a displayed formula, an alert, a footnote, a link definition, anything unusual) is a "Markdown"
//     block edited as source.
// Pure: runs in the browser and in Node (the round-trip test), apart from htmlToMarkdown, which needs a DOM.
// One file: reading and writing must agree block for block (what one reads as a node the other must write back as
// the same node), and the promise is only checkable with both in view.

/** A wiki link, formula, inline HTML, entity, footnote reference or image: its Markdown, shown as itself. */
const RawInline = Node.create({
  name: "rawInline",
  group: "inline",
  inline: true,
  atom: true,
  selectable: true,
  addAttributes: () => ({ raw: { default: "" }, kind: { default: "markdown" } }),
  parseHTML: () => [{ tag: "span[data-raw-inline]", getAttrs: (el) => ({ raw: (el as HTMLElement).textContent ?? "", kind: (el as HTMLElement).dataset.kind ?? "markdown" }) }],
  renderHTML: ({ node, HTMLAttributes }) => ["span", mergeAttributes(HTMLAttributes, { "data-raw-inline": "", "data-kind": node.attrs.kind, class: `raw-inline raw-${node.attrs.kind}` }), node.attrs.raw],
  renderText: ({ node }) => node.attrs.raw,
});

/** A block the visual mode edits as Markdown source. */
const RawBlock = Node.create({
  name: "rawBlock",
  group: "block",
  content: "text*",
  marks: "",
  code: true,
  defining: true,
  addAttributes: () => ({ kind: { default: "markdown" } }),
  parseHTML: () => [{ tag: "pre[data-raw-block]", preserveWhitespace: "full" }],
  renderHTML: ({ node, HTMLAttributes }) => ["pre", mergeAttributes(HTMLAttributes, { "data-raw-block": "", "data-kind": node.attrs.kind, class: "raw-block", "aria-label": `Markdown (${node.attrs.kind})` }), ["code", 0]],
});

/** A table cell's alignment (GFM's `:-:`), kept by the document. */
const align = { align: { default: null, parseHTML: (el: HTMLElement) => el.getAttribute("align") || el.style.textAlign || null, renderHTML: (a: { align?: string | null }) => (a.align ? { style: `text-align: ${a.align}` } : {}) } };

/** The visual mode's extensions: its schema here, its behaviour in the browser (lib/editor/visual-view.ts). */
export function visualExtensions(): AnyExtension[] {
  return [
    // the trailing empty paragraph (so there is always somewhere to type after a table or code) is never written
    StarterKit.configure({
      underline: false,
      link: { openOnClick: false, autolink: false, linkOnPaste: true, HTMLAttributes: { rel: null, target: null } },
    }),
    TaskList,
    TaskItem.configure({ nested: true }),
    Table.configure({ resizable: false }),
    TableRow,
    TableHeader.extend({ addAttributes() { return { ...this.parent?.(), ...align }; } }),
    TableCell.extend({ addAttributes() { return { ...this.parent?.(), ...align }; } }),
    RawInline,
    RawBlock,
  ];
}

let cachedSchema: Schema | null = null;
/** The schema of the visual mode's documents. */
export function visualSchema(): Schema {
  return (cachedSchema ??= getSchema(visualExtensions()));
}


/** A document read from Markdown: its JSON and, for each top-level block, the exact source it came from. */
export type ReadDocument = { doc: JSONContent; sources: string[]; prefix: string };

const ALERT = /^ {0,3}>\s*\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]/i;
const ENTITY = /&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/gi;

const raw = (text: string, kind = "markdown"): JSONContent => ({ type: "rawBlock", attrs: { kind }, content: text ? [{ type: "text", text }] : [] });
const rawInline = (text: string, kind: string): JSONContent => ({ type: "rawInline", attrs: { raw: text, kind } });

type MarkJSON = NonNullable<JSONContent["marks"]>[number];

/** Inline tokens as ProseMirror inline nodes under `marks`. */
function inline(tokens: Token[] | undefined, marks: MarkJSON[] = []): JSONContent[] {
  const out: JSONContent[] = [];
  const text = (t: string) => {
    if (t) out.push({ type: "text", text: t, ...(marks.length ? { marks } : {}) });
  };
  for (const t of tokens ?? []) {
    switch (t.type) {
      case "text": {
        if ("tokens" in t && t.tokens?.length) {
          out.push(...inline(t.tokens, marks));
          break;
        }
        // an entity is kept as typed (a chip), never turned into its character and back
        let at = 0;
        for (const m of t.raw.matchAll(ENTITY)) {
          text(t.raw.slice(at, m.index));
          out.push({ ...rawInline(m[0], "entity"), ...(marks.length ? { marks } : {}) });
          at = m.index + m[0].length;
        }
        text(t.raw.slice(at));
        break;
      }
      case "escape": text(t.text); break;
      case "strong": out.push(...inline(t.tokens, [...marks, { type: "bold" }])); break;
      case "em": out.push(...inline(t.tokens, [...marks, { type: "italic" }])); break;
      case "del": out.push(...inline(t.tokens, [...marks, { type: "strike" }])); break;
      case "codespan": {
        // a code span whose text and delimiters the visual mode would write differently stays as typed
        const tok = t as Tokens.Codespan;
        if (tok.raw === codeSpan(tok.text)) out.push({ type: "text", text: tok.text, marks: [...marks, { type: "code" }] });
        else out.push(rawInline(tok.raw, "code"));
        break;
      }
      case "link": {
        const tok = t as Tokens.Link;
        if (tok.raw.startsWith("[") && !/\]\[|\]$/.test(tok.raw)) {
          out.push(...inline(tok.tokens, [...marks, { type: "link", attrs: { href: tok.href, title: tok.title ?? null } }]));
        } else out.push(rawInline(tok.raw, "link")); // autolinks, reference links: as typed
        break;
      }
      case "br": out.push({ type: "hardBreak" }); break;
      case "wikilink": out.push(rawInline(t.raw, "wikilink")); break;
      case "inlineMath": out.push(rawInline(t.raw, "math")); break;
      case "footnoteRef": out.push(rawInline(t.raw, "footnote")); break;
      case "image": out.push(rawInline(t.raw, "image")); break;
      case "html": out.push(rawInline(t.raw, "html")); break;
      default: out.push(rawInline(t.raw, t.type));
    }
  }
  return out;
}

/** A paragraph of inline tokens. */
function paragraph(tokens: Token[] | undefined): JSONContent {
  return { type: "paragraph", content: inline(tokens) };
}

/** One block token as ProseMirror blocks (null: keep its source as a Markdown block). */
function block(t: Token): JSONContent | null {
  switch (t.type) {
    case "paragraph": return paragraph(t.tokens);
    case "text": return paragraph(t.tokens ?? [{ type: "text", raw: t.raw, text: t.text } as Token]);
    case "heading": {
      const tok = t as Tokens.Heading;
      if (!/^ {0,3}#{1,6}[ \t]/.test(tok.raw) || /#[ \t]*\n?$/.test(tok.raw.trimEnd()) && /[ \t]#+$/.test(tok.raw.trimEnd())) return null;
      return { type: "heading", attrs: { level: tok.depth }, content: inline(tok.tokens) };
    }
    case "code": {
      const tok = t as Tokens.Code;
      if (tok.codeBlockStyle === "indented") return null;
      return { type: "codeBlock", attrs: { language: tok.lang || null }, content: tok.text ? [{ type: "text", text: tok.text }] : [] };
    }
    case "hr": return { type: "horizontalRule" };
    case "blockquote": {
      if (ALERT.test(t.raw)) return null;
      const inner = blocks((t as Tokens.Blockquote).tokens);
      return inner ? { type: "blockquote", content: inner.length ? inner : [{ type: "paragraph" }] } : null;
    }
    case "list": {
      const tok = t as Tokens.List;
      const tasks = tok.items.every((i) => i.task);
      if (!tasks && tok.items.some((i) => i.task)) return null;
      const items: JSONContent[] = [];
      for (const item of tok.items) {
        const content = blocks(item.tokens.filter((x) => x.type !== "checkbox"));
        if (!content || !content.length || content[0]!.type !== "paragraph") return null;
        items.push(tasks ? { type: "taskItem", attrs: { checked: !!item.checked }, content } : { type: "listItem", content });
      }
      if (tasks) return { type: "taskList", content: items };
      return tok.ordered ? { type: "orderedList", attrs: { start: Number(tok.start) || 1 }, content: items } : { type: "bulletList", content: items };
    }
    case "table": {
      const tok = t as Tokens.Table;
      const cell = (type: string, c: Tokens.TableCell, i: number): JSONContent => ({
        type, attrs: { align: tok.align[i] ?? null }, content: [paragraph(c.tokens)],
      });
      return {
        type: "table",
        content: [
          { type: "tableRow", content: tok.header.map((c, i) => cell("tableHeader", c, i)) },
          ...tok.rows.map((r) => ({ type: "tableRow", content: r.map((c, i) => cell("tableCell", c, i)) })),
        ],
      };
    }
    default: return null; // html, def, blockMath, footnote, anything else: as typed
  }
}

/** Nested blocks (in a quote or a list item); null when one of them cannot be shown as itself. */
function blocks(tokens: Token[]): JSONContent[] | null {
  const out: JSONContent[] = [];
  for (const t of tokens) {
    if (t.type === "space") continue;
    const b = block(t);
    if (!b) return null;
    out.push(b);
  }
  return out;
}

/**
 * Read Markdown as the visual mode's document. Each top-level block's source is kept (with the blank lines after
 * it), so that `toMarkdown` gives it back unchanged; text before the first block is `prefix`.
 */
export function readMarkdown(markdown: string): ReadDocument {
  // a marked of its own each time: the footnote plugin keeps state between a text's lexing and its walk
  const lexer = new Marked({ gfm: true, breaks: false, async: false }).use(...editorSyntax());
  const tokens = lexer.lexer(markdown);
  void lexer.walkTokens(tokens, () => undefined);
  // the list of footnotes is made by the plugin, not read from the text: it has no source
  const read = tokens.filter((t) => t.type !== "footnotes" && !(t.type === "space" && t.raw === ""));
  const whole = read.map((t) => t.raw).join("");
  if (whole !== markdown) {
    // marked normalised something (line endings, say): the whole text is one Markdown block, edited as source
    return { doc: { type: "doc", content: [raw(markdown)] }, sources: [markdown], prefix: "" };
  }
  const content: JSONContent[] = [];
  const sources: string[] = [];
  let prefix = "";
  for (const t of read) {
    if (t.type === "space") {
      if (sources.length) sources[sources.length - 1] += t.raw;
      else prefix += t.raw;
      continue;
    }
    const b = block(t);
    // a block the schema would not accept as read is kept as typed too
    content.push(b && acceptable(b) ? b : raw(t.raw.replace(/\n+$/, ""), t.type));
    sources.push(t.raw);
  }
  if (!content.length) {
    // an empty text is one empty paragraph, whose source is nothing
    content.push({ type: "paragraph" });
    sources.push("");
  }
  return { doc: { type: "doc", content }, sources, prefix };
}

function acceptable(b: JSONContent): boolean {
  try {
    visualSchema().nodeFromJSON(b).check();
    return true;
  } catch {
    return false;
  }
}

/** The document as read: what `toMarkdown` compares the edited document's blocks with. */
export type Original = { nodes: PMNode[]; sources: string[]; prefix: string; endsWithNewline: boolean };

/** The original of a document read from `markdown`, for `toMarkdown`; `shown`: the editor's document made from it. */
export function originalOf(read: ReadDocument, doc: PMNode, markdown: string, shown?: PMNode): Original {
  const nodes: PMNode[] = [];
  doc.forEach((n, _o, i) => {
    // the editor's own node when it is the same block: later comparisons are then one identity check (ProseMirror
    // keeps an unchanged block's object), so writing Markdown back costs little per keystroke, however long the page
    const mine = shown && i < shown.childCount ? shown.child(i) : null;
    nodes.push(mine && mine.eq(n) ? mine : n);
  });
  return { nodes, sources: read.sources, prefix: read.prefix, endsWithNewline: markdown.endsWith("\n") };
}

/**
 * The document as Markdown: each top-level block equal to one read (in order) gives its source unchanged; any
 * other block is written afresh, separated from its neighbours by a blank line.
 */
export function toMarkdown(doc: PMNode, original: Original): string {
  const current: PMNode[] = [];
  doc.forEach((n) => void current.push(n));
  if (current.length === original.nodes.length && current.every((n, i) => n.eq(original.nodes[i]!))) {
    return original.prefix + original.sources.join("");
  }
  let out = original.prefix;
  let next = 0; // the first original block not yet matched
  let alt = false; // whether the last list written took the other marker
  let written: "nothing" | "original" | "fresh" = "nothing";
  for (let i = 0; i < current.length; i++) {
    const node = current[i]!;
    // the same block further on (blocks before it were deleted or changed) keeps its source
    let match = -1;
    for (let j = next; j < Math.min(original.nodes.length, next + 50); j++) {
      if (original.nodes[j]!.eq(node)) {
        match = j;
        break;
      }
    }
    if (match >= 0) {
      // right after the block before it in the original: their spacing is the original's own
      const source = original.sources[match]!;
      const adjoining = (written === "original" && match === next && match > 0) || out === original.prefix || source === "";
      out = adjoining ? out + source : separate(out) + source;
      next = match + 1;
      written = "original";
      continue;
    }
    if (node.type.name === "paragraph" && node.childCount === 0 && i === current.length - 1) continue; // a trailing empty line
    alt = sameList(current[i - 1], node) ? !alt : false;
    out = separate(out) + writeBlock(node, alt) + "\n";
    written = "fresh";
  }
  // a text that ended without a newline still does (a new text ends with one, as the Markdown mode's would)
  const last = original.sources.at(-1);
  if (last && !last.endsWith("\n") && !original.endsWithNewline) out = out.replace(/\n+$/, "");
  return out;
}

/** `out` ready for a new block: ending in a blank line (or empty). */
function separate(out: string): string {
  if (out === "" || out.endsWith("\n\n")) return out;
  return out.endsWith("\n") ? `${out}\n` : `${out}\n\n`;
}

/** Two lists of one kind in a row: written with the same marker they would read back as one list. */
function sameList(before: PMNode | undefined, node: PMNode): boolean {
  return !!before && before.type === node.type && /List$/.test(node.type.name);
}

/**
 * A block written as Markdown (a list item's continuation lines are indented by `lines`). `alt`: a list right after
 * one of its kind, which takes the other marker (`*` for `-`, `)` for `.`) to stay a list of its own.
 */
function writeBlock(node: PMNode, alt = false): string {
  const lines = (text: string, first: string, rest: string) =>
    text.split("\n").map((l, i) => (i === 0 ? first : l === "" ? rest.trimEnd() : rest) + l).join("\n");
  switch (node.type.name) {
    case "paragraph": return writeInline(node, true);
    case "heading": return `${"#".repeat(node.attrs.level as number)} ${writeInline(node, false)}`;
    case "codeBlock": {
      const text = node.textContent;
      const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
      const fence = "`".repeat(longest + 1);
      return `${fence}${(node.attrs.language as string | null) ?? ""}\n${text}\n${fence}`;
    }
    case "horizontalRule": return "---";
    case "rawBlock": return node.textContent;
    case "blockquote": return lines(writeChildren(node), "> ", "> ");
    case "bulletList":
    case "orderedList":
    case "taskList": {
      const start = (node.attrs.start as number | undefined) ?? 1;
      const items: string[] = [];
      node.forEach((item, _o, i) => {
        const bullet = alt ? "*" : "-";
        const marker =
          node.type.name === "orderedList" ? `${start + i}${alt ? ")" : "."} ` : node.type.name === "taskList" ? `${bullet} [${item.attrs.checked ? "x" : " "}] ` : `${bullet} `;
        items.push(lines(writeChildren(item, true), marker, " ".repeat(node.type.name === "taskList" ? 2 : marker.length)));
      });
      return items.join("\n");
    }
    case "table": {
      const rows: string[][] = [];
      const aligns: (string | null)[] = [];
      node.forEach((row, _o, r) => {
        const cells: string[] = [];
        row.forEach((cell, _c, c) => {
          if (r === 0) aligns.push((cell.attrs.align as string | null) ?? null);
          const parts: string[] = [];
          cell.forEach((p) => void parts.push(p.isTextblock ? writeInline(p, false) : writeBlock(p).replace(/\n/g, " ")));
          // text escapes its own pipes; a pipe in a part kept as typed must not end the cell either
          cells.push(parts.join(" ").replace(/(?<!\\)\|/g, "\\|").replace(/\n/g, " ") || " ");
          void c;
        });
        rows.push(cells);
      });
      const rule = aligns.map((a) => (a === "center" ? ":---:" : a === "right" ? "---:" : a === "left" ? ":---" : "---"));
      const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
      return [line(rows[0] ?? []), line(rule), ...rows.slice(1).map(line)].join("\n");
    }
    default: return writeChildren(node);
  }
}

/** A node's blocks, a blank line between them; in a list item a nested list follows its paragraph directly. */
function writeChildren(node: PMNode, listItem = false): string {
  let out = "";
  let alt = false;
  node.forEach((child, _o, i) => {
    const list = /List$/.test(child.type.name);
    if (i > 0) out += listItem && list ? "\n" : "\n\n";
    alt = i > 0 && sameList(node.child(i - 1), child) ? !alt : false;
    out += writeBlock(child, alt);
  });
  return out;
}

/** Marks from the outside in, so that they nest the same way however they were applied. */
const MARK_ORDER = ["link", "bold", "italic", "strike", "code"];
const markOpen = (m: Mark) => (m.type.name === "bold" ? "**" : m.type.name === "italic" ? "*" : m.type.name === "strike" ? "~~" : m.type.name === "link" ? "[" : "");
const markClose = (m: Mark) => {
  if (m.type.name !== "link") return markOpen(m);
  const href = String(m.attrs.href ?? "").replace(/[()\s<>]/g, (c) => encodeURIComponent(c));
  const title = m.attrs.title ? ` "${String(m.attrs.title).replace(/"/g, '\\"')}"` : "";
  return `](${href}${title})`;
};

/** A code span around `text`, its backticks longer than any run inside. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || (/^ .* $/.test(text) && text.trim() !== "") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/**
 * Text written as Markdown that reads back as the same text: characters that would start syntax are escaped
 * (an underscore only where it could start or end emphasis, a dollar only where it could start a formula).
 */
function escapeText(text: string, lineStart: boolean): string {
  let out = text
    .replace(/[\\`*[\]~<|]/g, "\\$&")
    .replace(/&(?=#?\w+;)/g, "&amp;")
    .replace(/(^|[^\p{L}\p{N}])_|_(?=$|[^\p{L}\p{N}])/gu, (m) => m.replace("_", "\\_"))
    .replace(/\$(?=\S)/g, "\\$");
  if (lineStart) out = out.replace(/^(\s*)([#>+-]|\d+[.)])(?=\s|$)/gm, "$1\\$2").replace(/^(\s*)(=+|-+)\s*$/gm, "$1\\$2");
  return out;
}

/** A textblock's content as Markdown: text escaped, marks as delimiters, atoms as their source. */
function writeInline(node: PMNode, lineStart: boolean): string {
  let out = "";
  let active: Mark[] = [];
  let pendingSpace = "";
  const sorted = (marks: readonly Mark[]) => [...marks].sort((a, b) => MARK_ORDER.indexOf(a.type.name) - MARK_ORDER.indexOf(b.type.name));
  const closeTo = (keep: number) => {
    for (let i = active.length - 1; i >= keep; i--) out += markClose(active[i]!);
    active = active.slice(0, keep);
  };
  node.forEach((child) => {
    const marks = sorted(child.marks).filter((m) => m.type.name !== "code");
    let common = 0;
    while (common < active.length && common < marks.length && active[common]!.eq(marks[common]!)) common++;
    if (common < active.length) closeTo(common);
    let text: string;
    if (child.isText) {
      const code = child.marks.some((m) => m.type.name === "code");
      text = code ? codeSpan(child.text ?? "") : escapeText(child.text ?? "", lineStart && out === "");
    } else if (child.type.name === "hardBreak") {
      text = "\\\n";
    } else {
      text = String(child.attrs.raw ?? "");
    }
    // delimiters hug the text: spaces at the edges of a formatted run go outside it
    const lead = /^\s*/.exec(text)![0];
    const opening = marks.slice(common);
    if (opening.length && lead && lead !== text) {
      out += pendingSpace + lead;
      pendingSpace = "";
      text = text.slice(lead.length);
    }
    out += pendingSpace;
    pendingSpace = "";
    for (const m of opening) out += markOpen(m);
    active = marks;
    const trail = marks.length ? /\s*$/.exec(text)![0] : "";
    out += trail && trail !== text ? text.slice(0, text.length - trail.length) : text;
    if (trail && trail !== text) pendingSpace = trail;
  });
  closeTo(0);
  out += pendingSpace;
  return out;
}

/** Markdown read and written back by the visual mode without an edit: the round trip the tests prove lossless. */
export function roundTrip(markdown: string): string {
  const read = readMarkdown(markdown);
  const doc = visualSchema().nodeFromJSON(read.doc);
  return toMarkdown(doc, originalOf(read, doc, markdown));
}

/**
 * HTML (pasted from a web page, Google Docs or Word) as Markdown: read into the visual mode's document by its
 * schema's parse rules (what it cannot hold is dropped, its text kept), then written out. Needs a DOM.
 */
export function htmlToMarkdown(html: string): string {
  const dom = new DOMParser().parseFromString(html, "text/html");
  // Word and Google Docs wrap things in their own markup; their comments and styles are not text
  dom.querySelectorAll("style, script, meta, link, title, o\\:p").forEach((el) => el.remove());
  const doc = PMDOMParser.fromSchema(visualSchema()).parse(dom.body);
  return toMarkdown(doc, { nodes: [], sources: [], prefix: "", endsWithNewline: false }).trim();
}
