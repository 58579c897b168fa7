// MediaWiki's wikitext as Vellum's Markdown (decision 0023): headings, bold and italics, internal links (labels,
// sections, subpages, link trails), external links, lists, tables, <pre>, <code>, <nowiki> and redirects become
// their Markdown; templates, parser functions and magic words stay visible as code; categories become one line at
// the end; [[File:...]] becomes Vellum's embed. One pass over the text and one over each line: linear in its length.
// One file: the block rules (lists, tables, pre) and the inline ones (links, emphasis) call each other, and share
// the pieces kept aside until the end.

export type WikitextContext = {
  /** The page's own title (for subpage links: `[[/Sub]]`, `[[../]]`). */
  title: string;
  /** Whether the wiki capitalises the first letter of titles (siteinfo `<case>first-letter</case>`, the default). */
  firstLetter?: boolean;
};

/** Stands for a piece kept aside (template, nowiki, pre, code, comment) until the end: private-use characters. */
const OPEN = "\uE000";
const CLOSE = "\uE001";
const SLOT = /\uE000(\d+)\uE001/g;

/** Deepest list nesting written. */
const MAX_LIST_DEPTH = 32;

/** Lines longer than this are not scanned for bold and italics (kept as their text): the scan stays linear. */
const MAX_INLINE_LINE = 50_000;

type Kept = { kind: "template" | "nowiki" | "pre" | "code" | "comment" | "math"; text: string };

/** Convert one revision's wikitext. */
export function wikitextToMarkdown(source: string, ctx: WikitextContext): string {
  const kept: Kept[] = [];
  const keep = (k: Kept) => `${OPEN}${kept.push(k) - 1}${CLOSE}`;
  let text = source.replace(/[\uE000\uE001]/g, "").replace(/\r\n?/g, "\n");
  text = keepAside(text, keep);
  const categories: string[] = [];
  const out: string[] = [];
  const lines = text.split("\n");
  const redirect = /^\s*#redirect\s*:?\s*\[\[([^\]|\n]+)(?:\|[^\]\n]*)?\]\]/i.exec(lines[0] ?? "");
  if (redirect) {
    const target = linkTarget(redirect[1]!, ctx);
    lines[0] = lines[0]!.slice(redirect[0].length);
    out.push(`#REDIRECT [[${target.title}${target.section ? `#${target.section}` : ""}]]`);
  }
  let inList = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // a Markdown list or quote would take the next plain line into its last item: a blank line ends it
    const listLine = /^[*#:;]/.test(line) && !(i === 0 && redirect);
    if (inList && !listLine && line.trim() !== "") out.push("");
    inList = listLine;
    if (line.startsWith("{|")) {
      const end = tableEnd(lines, i);
      out.push(...table(lines.slice(i, end + 1), ctx, categories));
      i = end;
      continue;
    }
    if (line.startsWith(" ") && line.trim() !== "" && !/^\s*\uE000\d+\uE001\s*$/.test(line)) {
      const block: string[] = [];
      while (i < lines.length && lines[i]!.startsWith(" ") && lines[i]!.trim() !== "") block.push(lines[i++]!.slice(1));
      i--;
      out.push(...fence(restore(block.join("\n"), kept, true), ""));
      continue;
    }
    const heading = /^(={1,6})\s*(.+?)\s*\1\s*$/.exec(line);
    if (heading) {
      out.push(`${"#".repeat(heading[1]!.length)} ${inline(heading[2]!, ctx, categories)}`);
      continue;
    }
    const list = /^([*#:;]+)\s*(.*)$/.exec(line);
    if (list && listLine) {
      out.push(...listItem(list[1]!, list[2]!, ctx, categories));
      continue;
    }
    if (/^-{4,}\s*$/.test(line)) {
      out.push("---");
      continue;
    }
    out.push(escapeLineStart(inline(line, ctx, categories)));
  }
  let markdown = out.join("\n");
  markdown = restore(markdown, kept, false).replace(/\n{3,}/g, "\n\n").replace(/^\n+/, "").trimEnd();
  if (categories.length > 0) {
    markdown += `\n\nCategories: ${[...new Set(categories)].map((c) => `[[Category:${c}]]`).join(", ")}`;
  }
  return markdown;
}

/**
 * Set aside what no other rule may touch: comments, <nowiki>, <pre>, <code>, <math>, <syntaxhighlight>/<source> and
 * templates (`{{...}}` nested to any depth, across lines). A template left open runs to the end of the text.
 */
function keepAside(text: string, keep: (k: Kept) => string): string {
  const tags: [RegExp, Kept["kind"]][] = [
    [/<!--[\s\S]*?(?:-->|$)/g, "comment"],
    [/<nowiki\s*>([\s\S]*?)(?:<\/nowiki\s*>|$)|<nowiki\s*\/>/gi, "nowiki"],
    [/<pre(?:\s[^>]*)?>([\s\S]*?)(?:<\/pre\s*>|$)/gi, "pre"],
    [/<(?:syntaxhighlight|source)(?:\s[^>]*)?>([\s\S]*?)(?:<\/(?:syntaxhighlight|source)\s*>|$)/gi, "pre"],
    [/<code(?:\s[^>]*)?>([\s\S]*?)(?:<\/code\s*>|$)/gi, "code"],
    [/<math(?:\s[^>]*)?>([\s\S]*?)(?:<\/math\s*>|$)/gi, "math"],
  ];
  for (const [re, kind] of tags) text = text.replace(re, (all, inner?: string) => keep({ kind, text: kind === "comment" ? all : inner ?? "" }));
  // (an element left open runs to the end of the text: each pattern scans the text once)
  // templates, parser functions and parameters ({{{1}}}), by a stack of brace widths (linear)
  let result = "";
  const widths: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "{" && text[i + 1] === "{") {
      if (widths.length === 0) {
        result += text.slice(start, i);
        start = i;
      }
      const width = text[i + 2] === "{" ? 3 : 2;
      widths.push(width);
      i += width - 1;
    } else if (text[i] === "}" && text[i + 1] === "}" && widths.length > 0) {
      const width = widths.at(-1) === 3 && text[i + 2] === "}" ? 3 : 2;
      widths.pop();
      i += width - 1;
      if (widths.length === 0) {
        result += keep({ kind: "template", text: text.slice(start, i + 1) });
        start = i + 1;
      }
    }
  }
  result += widths.length > 0 ? keep({ kind: "template", text: text.slice(start) }) : text.slice(start);
  return result;
}

/** Put the kept pieces back as Markdown (`raw`: inside a code block, as their text). */
function restore(text: string, kept: Kept[], raw: boolean): string {
  return text.replace(SLOT, (_, n: string) => {
    const k = kept[Number(n)]!;
    const inner = restore(k.text, kept, true);
    if (raw) return k.kind === "template" || k.kind === "comment" ? inner : decodeEntities(inner);
    switch (k.kind) {
      case "comment":
        return inner;
      case "nowiki":
        return escapeMarkdown(decodeEntities(inner));
      case "code":
        return codeSpan(decodeEntities(inner));
      case "math":
        return `$${inner.trim()}$`;
      case "pre":
        return "\n" + fence(decodeEntities(inner).replace(/^\n/, "").replace(/\n$/, ""), "").join("\n") + "\n";
      case "template":
        // kept visibly, as the wikitext it was: inline code on one line, a block over several
        return inner.includes("\n") ? "\n" + fence(inner, "wikitext").join("\n") + "\n" : codeSpan(inner);
    }
  });
}

/** A fenced code block holding `text` exactly (the fence is longer than any run of backticks inside). */
function fence(text: string, lang: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const bar = "`".repeat(longest + 1);
  return [bar + lang, text, bar];
}

function codeSpan(text: string): string {
  const flat = text.replace(/\n/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return flat.trim() === "" ? escapeMarkdown(flat) : `${ticks}${pad}${flat}${pad}${ticks}`;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: "\u00a0" };

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (all, e: string) => {
    if (e[0] === "#") {
      const n = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : all;
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

/** Text shown as typed: every character Markdown (or Vellum's wiki links) would read is escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+\-.!|$~]/g, "\\$&");
}

/** Plain wikitext that Markdown would read differently: emphasis marks, brackets, backticks, backslashes. */
function escapePlain(text: string): string {
  return text.replace(/[\\`*_[\]$]/g, (c, at: number) => {
    // snake_case and the like: an underscore inside a word is not emphasis in Markdown
    if (c === "_" && /\w/.test(text[at - 1] ?? "") && /\w/.test(text[at + 1] ?? "")) return c;
    return "\\" + c;
  });
}

/** A paragraph line that Markdown would take for a list, quote or heading starts with an escape. */
function escapeLineStart(line: string): string {
  return line.replace(/^(\s*)([-+>]|\d{1,9}[.)])(?=\s|$)/, "$1\\$2").replace(/^(\s*)(#{1,6})(?=\s|$)/, "$1\\$2");
}

/** Where the table starting at line `i` ends (its `|}`, nested tables counted), or the last line. */
function tableEnd(lines: string[], i: number): number {
  let depth = 0;
  for (let k = i; k < lines.length; k++) {
    const l = lines[k]!.trimStart();
    if (l.startsWith("{|")) depth++;
    else if (l.startsWith("|}")) {
      depth--;
      if (depth === 0) return k;
    }
  }
  return lines.length - 1;
}

/** The content of a table cell after its attributes (`style="..." | content`). */
function cellContent(cell: string): string {
  const bar = cell.indexOf("|");
  if (bar !== -1 && cell[bar + 1] !== "|" && !cell.slice(0, bar).includes("[[") && /=/.test(cell.slice(0, bar))) {
    return cell.slice(bar + 1);
  }
  return cell;
}

/**
 * A wikitext table as a GFM table: its first row is the header (an empty one when the table has none), cells
 * lose their attributes and line breaks. A nested table, or cells spanning rows or columns, keep the table as
 * wikitext in a code block: shown, not guessed at.
 */
function table(lines: string[], ctx: WikitextContext, categories: string[]): string[] {
  const body = lines.slice(1, -1);
  if (body.some((l) => l.trimStart().startsWith("{|")) || body.some((l) => /(?:row|col)span\s*=/i.test(l))) {
    return ["", ...fence(lines.join("\n"), "wikitext"), ""];
  }
  const rows: { header: boolean; cells: string[] }[] = [];
  let caption = "";
  let row: { header: boolean; cells: string[] } | null = null;
  const newRow = () => {
    row = { header: true, cells: [] };
    rows.push(row);
    return row;
  };
  for (const raw of body) {
    const l = raw.trim();
    if (l.startsWith("|+")) caption = cellContent(l.slice(2)).trim();
    else if (l.startsWith("|-")) row = null;
    else if (l.startsWith("!") || l.startsWith("|")) {
      const r: { header: boolean; cells: string[] } = row ?? newRow();
      const header = l.startsWith("!");
      if (!header) r.header = false;
      const cells = header ? l.slice(1).split(/!!|\|\|/) : l.slice(1).split("||");
      r.cells.push(...cells.map((c) => cellContent(c).trim()));
    } else if (row !== null && (row as { cells: string[] }).cells.length > 0) {
      const cells = (row as { cells: string[] }).cells;
      cells[cells.length - 1] += " " + l; // a cell's text continued on the next line
    }
  }
  const filled = rows.filter((r) => r.cells.length > 0);
  if (filled.length === 0) return [];
  const width = Math.max(...filled.map((r) => r.cells.length));
  const cell = (c: string) => inline(c, ctx, categories).replace(/\|/g, "\\|");
  const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, k) => cell(cells[k] ?? "")).join(" | ")} |`;
  const head = filled[0]!.header ? filled.shift()! : { header: true, cells: [] };
  return [
    "",
    ...(caption ? [`*${inline(caption, ctx, categories)}*`, ""] : []),
    line(head.cells),
    `|${" --- |".repeat(width)}`,
    ...filled.map((r) => line(r.cells)),
    "",
  ];
}

/** One line of a wikitext list (`*`, `#`, `:`, `;` prefixes, nested) as Markdown, indented under its parents. */
function listItem(whole: string, content: string, ctx: WikitextContext, categories: string[]): string[] {
  // deeper than MAX_LIST_DEPTH is shown at that depth (Markdown renders nesting past 64 as plain text anyway)
  const prefix = whole.length > MAX_LIST_DEPTH ? whole.slice(0, MAX_LIST_DEPTH - 1) + whole.at(-1) : whole;
  let indent = "";
  for (const c of prefix.slice(0, -1)) indent += c === "#" ? "   " : c === "*" ? "  " : "";
  const last = prefix.at(-1)!;
  const converted = inline(content, ctx, categories);
  if (last === "*") return [`${indent}- ${converted}`];
  if (last === "#") return [`${indent}1. ${converted}`];
  const quotes = prefix.replace(/[*#]/g, "").length;
  if (last === ";") {
    const colon = content.indexOf(" : ");
    const [term, def] = colon === -1 ? [content, ""] : [content.slice(0, colon), content.slice(colon + 3)];
    return [`${indent}**${inline(term.trim(), ctx, categories)}**`, ...(def ? [`${indent}${"> ".repeat(quotes)}${inline(def.trim(), ctx, categories)}`] : [])];
  }
  return [`${indent}${"> ".repeat(quotes)}${converted}`];
}

type Target = { title: string; section: string };

/** A link's target as a Vellum title: underscores and runs of space as one space, a leading capital by the wiki's rule. */
function linkTarget(raw: string, ctx: WikitextContext, fromSubpage = true): Target {
  let target = decodeEntities(raw).replace(/[_\s]+/g, " ").trim();
  const hash = target.indexOf("#");
  const section = hash === -1 ? "" : target.slice(hash + 1).trim();
  target = hash === -1 ? target : target.slice(0, hash).trim();
  if (fromSubpage && target.startsWith("/")) target = ctx.title + target.replace(/\/+$/, "");
  else if (fromSubpage && target.startsWith("../")) {
    const parts = ctx.title.split("/");
    while (target.startsWith("../")) {
      parts.pop();
      target = target.slice(3);
    }
    target = [...parts, ...(target ? [target.replace(/\/+$/, "")] : [])].join("/");
  }
  if (target.startsWith(":")) target = target.slice(1).trim();
  if (ctx.firstLetter !== false && target) target = target[0]!.toUpperCase() + target.slice(1);
  return { title: target, section };
}

/** Words of MediaWiki's image options: not a caption. */
const FILE_OPTION = /^(?:thumb|thumbnail|frame|frameless|border|left|right|center|centre|none|baseline|middle|sub|super|top|text-top|bottom|text-bottom|upright(?:\s*=?\s*[\d.]+)?|\d*x?\d+\s*px|(?:link|alt|page|class|lang)\s*=.*)$/i;

/** A caption or option value as plain text: links as their labels, no brackets or bars. */
function plainText(text: string): string {
  return text.replace(/\[\[(?:[^\]|]*\|)?([^\]]*)\]\]/g, "$1").replace(/[[\]|]/g, "").trim();
}

/** MediaWiki's spellings of the image options Vellum shows, as Vellum writes them. */
const EMBED_OPTION_NAMES = new Map([
  ["thumb", "thumb"], ["thumbnail", "thumb"], ["frame", "frame"], ["framed", "frame"], ["frameless", "frameless"],
  ["left", "left"], ["right", "right"], ["center", "center"], ["centre", "center"], ["none", "none"],
]);

/**
 * An image option of a MediaWiki embed as Vellum's (decision 0031): a width, an alignment, a frame, `alt=` and
 * `link=`; null for the options Vellum does not show (vertical alignment, upright, border, page, class, lang).
 */
function embedOption(part: string): string | null {
  const named = EMBED_OPTION_NAMES.get(part.toLowerCase());
  if (named) return named;
  const width = /^(\d+)(?:x\d+)?\s*px$/i.exec(part); // `200px` or `200x100px`; a height alone (`x100px`) is dropped
  if (width) return `${width[1]}px`;
  const valued = /^(alt|link)\s*=(.*)$/is.exec(part);
  return valued ? `${valued[1]!.toLowerCase()}=${plainText(valued[2]!)}` : null;
}

/** Links, external links, bold and italics on one line; everything else escaped as plain text. */
function inline(line: string, ctx: WikitextContext, categories: string[]): string {
  if (line.length > MAX_INLINE_LINE) return escapePlain(line);
  let out = "";
  let bold = false;
  let italic = false;
  let i = 0;
  let plainFrom = 0;
  const pairs = line.includes("[[") ? pairBrackets(line) : null;
  const flush = (to: number) => {
    out += escapePlain(decodeEntitiesKeepingTags(line.slice(plainFrom, to)));
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'" && line[i + 1] === "'") {
      flush(i);
      let n = 2;
      while (line[i + n] === "'") n++;
      if (n >= 5) {
        out += "'".repeat(n - 5) + "***";
        bold = !bold;
        italic = !italic;
      } else if (n >= 3) {
        out += "'".repeat(n - 3) + "**";
        bold = !bold;
      } else {
        out += "*";
        italic = !italic;
      }
      i += n;
      plainFrom = i;
      continue;
    }
    if (c === "[" && line[i + 1] === "[") {
      const end = pairs?.get(i) ?? -1;
      if (end !== -1) {
        flush(i);
        let after = end + 2;
        const trail = /^[a-z]+/.exec(line.slice(after, after + 100))?.[0] ?? "";
        const converted = internalLink(line.slice(i + 2, end), trail, ctx, categories);
        if (converted.usedTrail) after += trail.length;
        out += converted.text;
        i = after;
        plainFrom = i;
        continue;
      }
    }
    if (c === "[") {
      const ext = /^\[((?:https?|ftp|mailto):[^\s\]]+)(?:\s+([^\]\n]*))?\]/i.exec(line.slice(i, i + 4000));
      if (ext) {
        flush(i);
        const label = ext[2]?.trim();
        out += label ? `[${inline(label, ctx, categories)}](${ext[1]!.replaceAll("(", "%28").replaceAll(")", "%29")})` : `<${ext[1]}>`;
        i += ext[0].length;
        plainFrom = i;
        continue;
      }
    }
    if (c === OPEN) {
      const close = line.indexOf(CLOSE, i);
      flush(i);
      out += line.slice(i, close + 1);
      i = close + 1;
      plainFrom = i;
      continue;
    }
    i++;
  }
  flush(line.length);
  // MediaWiki closes bold and italics at the end of a line
  if (bold && italic) out += "***";
  else if (bold) out += "**";
  else if (italic) out += "*";
  return out;
}

/** Entities in running text: decoded, except those that would make a tag of text. */
function decodeEntitiesKeepingTags(text: string): string {
  if (!text.includes("&")) return text;
  return decodeEntities(text.replace(/&(lt|gt);/gi, "&amp;$1;")).replace(/&amp;(lt|gt);/gi, "&$1;");
}

/** Each `[[` of a line paired with the `]]` that closes it (nested pairs counted), in one pass: open index -> close index. */
function pairBrackets(line: string): Map<number, number> {
  const pairs = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < line.length - 1; i++) {
    if (line[i] === "[" && line[i + 1] === "[") {
      open.push(i);
      i++;
    } else if (line[i] === "]" && line[i + 1] === "]" && open.length > 0) {
      pairs.set(open.pop()!, i);
      i++;
    }
  }
  return pairs;
}

/** `[[...]]`'s inside as Vellum: a link (with MediaWiki's link trail in its label), an embed, or a category. */
function internalLink(inside: string, trail: string, ctx: WikitextContext, categories: string[]): { text: string; usedTrail: boolean } {
  const bar = inside.indexOf("|");
  const rawTarget = bar === -1 ? inside : inside.slice(0, bar);
  const rawLabel = bar === -1 ? null : inside.slice(bar + 1);
  const leadingColon = rawTarget.trimStart().startsWith(":");
  const target = linkTarget(rawTarget, ctx);
  const namespace = /^([^:]+):/.exec(target.title)?.[1]?.toLowerCase();
  if (!leadingColon && namespace === "category") {
    categories.push(target.title.slice(target.title.indexOf(":") + 1).trim());
    return { text: "", usedTrail: false };
  }
  if (!leadingColon && (namespace === "file" || namespace === "image")) {
    const name = target.title.slice(target.title.indexOf(":") + 1).trim();
    const parts = rawLabel === null ? [] : splitTopLevelBars(rawLabel);
    const caption = parts.filter((p) => !FILE_OPTION.test(p.trim())).at(-1)?.trim() ?? "";
    const options = parts.map((p) => embedOption(p.trim())).filter((o): o is string => o !== null);
    const plainCaption = plainText(caption);
    return { text: `[[File:${[name, ...options, ...(plainCaption ? [plainCaption] : [])].join("|")}]]`, usedTrail: false };
  }
  const fullTarget = `${leadingColon ? ":" : ""}${target.title}${target.section ? `#${target.section}` : ""}`;
  // what MediaWiki shows: the label, or the target as typed (a subpage link without its slash), plus the trail
  let shown = rawLabel ?? rawTarget.replace(/^\s*:/, "").trim();
  if (rawLabel === null && shown.startsWith("../")) shown = target.title;
  else if (rawLabel === null && shown.startsWith("/") && shown.endsWith("/")) shown = shown.slice(1, -1);
  shown = decodeEntities(shown).trim() + trail;
  const plainLabel = shown.replace(/[[\]|]/g, "");
  const same = plainLabel === fullTarget.replace(/^:/, "") && !target.section;
  return { text: same ? `[[${fullTarget}]]` : `[[${fullTarget}|${plainLabel || fullTarget}]]`, usedTrail: true };
}

/** Split on `|` outside nested `[[...]]`. */
function splitTopLevelBars(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("[[", i)) depth++;
    else if (text.startsWith("]]", i)) depth = Math.max(0, depth - 1);
    else if (text[i] === "|" && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}
