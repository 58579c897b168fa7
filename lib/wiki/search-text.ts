// What search reads of a page, pure (no I/O) so it can be tested alone: the text a reader sees, the words the
// full-text index gets, the dictionary's spelling keys, and the snippets shown with results. See
// docs/decisions/0018-bounded-search-and-sessions.md for why words are split here rather than by PostgreSQL.
import { escapeHtml } from "@/lib/markdown/escape-html.js";

/** Only this much of a page's reader text is indexed and kept for snippets (a tsvector holds at most 1 MB). */
export const MAX_SEARCH_TEXT_CHARS = 60_000;
/** A query uses at most this many distinct words; the rest are ignored (ranking cost grows with their number). */
export const MAX_QUERY_WORDS = 10;
/** Longer runs of letters and digits are not words anyone types; they are left out of the index. */
const MAX_WORD_CHARS = 64;
const SNIPPET_CHARS = 200;

/** A word: letters (with their combining marks) and digits of any script. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const BLOCK_TAGS = /<\/?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|br|hr|tr|td|th|table|thead|tbody|tfoot|caption|pre|blockquote|figure|figcaption|details|summary)\b[^>]*>/gi;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp|#39));/gi;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

/**
 * The text a reader sees in rendered page HTML (the renderer's sanitised output): no tags, no heading anchors,
 * entities decoded, blocks separated and white space collapsed; cut at MAX_SEARCH_TEXT_CHARS.
 */
export function readerText(html: string): string {
  const text = html
    .replace(/<a class="anchor"[^>]*>[^<]*<\/a>/g, "")
    .replace(BLOCK_TAGS, " ")
    .replace(/<[^>]*>/g, "")
    .replace(ENTITY, (m, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name) return NAMED[name.toLowerCase()] ?? m;
      const cp = dec ? Number(dec) : parseInt(hex!, 16);
      return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : " ";
    })
    .replace(/\s+/g, " ")
    .trim();
  return cutAt(text, MAX_SEARCH_TEXT_CHARS);
}

/** At most `max` UTF-16 units, never cutting a surrogate pair in two. */
function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}

/**
 * The words of a text as the index and queries see them: lower case (Unicode-aware), letters and digits only,
 * separated by single spaces. PostgreSQL's text-search parser then meets nothing but plain words, which it reads
 * in linear time (its URL, e-mail, path and hyphenation rules are quadratic on some runs of punctuation).
 */
export function searchTokens(text: string): string[] {
  const out: string[] = [];
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    if (word.length <= MAX_WORD_CHARS) out.push(word);
  }
  return out;
}

/** The distinct words of a page (title and reader text) counted in the spelling dictionary. */
export function dictionaryWords(title: string, text: string): string[] {
  const words = new Set<string>();
  for (const w of [...searchTokens(title), ...searchTokens(text)]) {
    // a word worth correcting towards: two or more characters, not a number
    if (w.length >= 2 && w.length <= 40 && !/^\p{N}+$/u.test(w)) words.add(w);
  }
  return [...words].sort();
}

/**
 * The distinct words of a query, at most MAX_QUERY_WORDS, in the order typed; `ignored` counts the words left
 * out. The query's full-text search is made of these alone.
 */
export function queryWords(query: string): { words: string[]; ignored: number } {
  const distinct = [...new Set(searchTokens(query))];
  return { words: distinct.slice(0, MAX_QUERY_WORDS), ignored: Math.max(0, distinct.length - MAX_QUERY_WORDS) };
}

/**
 * A word spelt for pg_trgm. In a database whose locale is C, pg_trgm takes only ASCII letters and digits for
 * word characters, so "привет" would have no trigrams at all; here each other character becomes its code point
 * in base 36 (two or three characters), so one typo is still one local change and similar words stay similar.
 */
export function trigramKey(word: string): string {
  let key = "";
  for (const ch of word) {
    key += /[a-z0-9]/.test(ch) ? ch : ch.codePointAt(0)!.toString(36);
  }
  return key;
}

const START = "\u0001";
const STOP = "\u0002";

/**
 * A result's snippet, HTML: the reader text around the first word that matches the query (a query word, or a
 * word starting with one of its stems), with every such word in the window in <mark>; else around the first
 * occurrence of the whole query (a substring match); else the beginning of the text. Everything but <mark> is
 * escaped.
 */
export function snippetOf(text: string, query: string, words: string[], stems: string[]): string {
  const wanted = new Set(words);
  const prefixes = stems.filter((s) => s.length >= 3);
  const matches = (w: string) => {
    const lower = w.toLowerCase();
    return wanted.has(lower) || prefixes.some((p) => lower.startsWith(p));
  };
  let at = -1;
  for (const m of text.matchAll(WORD)) {
    if (matches(m[0])) {
      at = m.index;
      break;
    }
  }
  if (at === -1 && query.trim()) at = text.toLowerCase().indexOf(query.trim().toLowerCase());
  if (at === -1) {
    const start = [...text].slice(0, SNIPPET_CHARS).join("");
    return escapeHtml(start) + (start.length < text.length ? " …" : "");
  }
  const from = wordStart(text, Math.max(0, at - SNIPPET_CHARS / 2));
  const to = Math.min(text.length, at + SNIPPET_CHARS);
  let window = text.slice(from, to);
  let marked = window.replace(WORD, (w) => (matches(w) ? START + w + STOP : w));
  if (!marked.includes(START)) {
    // a substring match (e.g. Japanese, which has no spaces between words): mark the query itself
    const q = query.trim();
    const i = window.toLowerCase().indexOf(q.toLowerCase());
    if (i >= 0) marked = window.slice(0, i) + START + window.slice(i, i + q.length) + STOP + window.slice(i + q.length);
  }
  window = marked;
  return (from > 0 ? "… " : "") + escapeHtml(window).replaceAll(START, "<mark>").replaceAll(STOP, "</mark>") + (to < text.length ? " …" : "");
}

/** The start of the word at `i` (so a snippet does not begin mid-word), never a low surrogate. */
function wordStart(text: string, i: number): number {
  let j = i;
  while (j > 0 && j > i - 30 && /[\p{L}\p{M}\p{N}\uDC00-\uDFFF]/u.test(text[j - 1]!)) j--;
  return /[\uDC00-\uDFFF]/.test(text[j] ?? "") ? j + 1 : j;
}

