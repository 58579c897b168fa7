import { EditorState, Prec, type Extension } from "@codemirror/state";
import { EditorView, keymap, drawSelection, highlightActiveLine, placeholder } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { HighlightStyle, Language, LanguageSupport, defineLanguageFacet, languageDataProp, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { GFM, parser as markdownParser } from "@lezer/markdown";
import { applyAction, blockSnippet, continueList, insertBlock, type TextChange } from "@/lib/editor/commands";
import type { EditorMode, ModeEvents } from "./mode";

// The Markdown mode: CodeMirror 6 with the Markdown language (Lezer's GFM parser, for highlighting), history,
// search and keymaps; the toolbar's actions and list continuation on Enter are lib/editor/commands.ts's, applied
// as one undoable change. Tab is left to the browser, so the keyboard never gets stuck in the text.
// (@codemirror/lang-markdown's markdown() brings the HTML, CSS and JavaScript languages along, for HTML inside
// Markdown: over 100 KB compressed of the first load's budget. Decision 0031.)

const data = defineLanguageFacet({ commentTokens: { block: { open: "<!--", close: "-->" } } });
const markdownLanguage = new Language(data, markdownParser.configure([GFM, { props: [languageDataProp.add({ Document: data })] }]), [], "markdown");

/** Markdown's marks in the page's own colours (CSS variables: light and dark alike). */
const highlight = HighlightStyle.define([
  { tag: tags.heading, fontWeight: "700", color: "var(--fg)" },
  { tag: tags.strong, fontWeight: "700" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.strikethrough, textDecoration: "line-through" },
  { tag: [tags.link, tags.url], color: "var(--accent)" },
  { tag: tags.monospace, color: "var(--code-string)", fontFamily: "var(--mono)" },
  { tag: tags.quote, color: "var(--muted)" },
  { tag: [tags.processingInstruction, tags.meta, tags.contentSeparator, tags.list], color: "var(--code-keyword)" },
]);

const theme = EditorView.theme({
  "&": { color: "var(--fg)", backgroundColor: "var(--bg)", border: "1px solid var(--line)", borderRadius: "6px", fontSize: "0.95rem" },
  "&.cm-focused": { outline: "3px solid var(--focus)", outlineOffset: "1px" },
  ".cm-content": { fontFamily: "var(--mono)", padding: "0.6rem 0", caretColor: "var(--fg)", minHeight: "18rem" },
  ".cm-line": { padding: "0 0.75rem" },
  ".cm-cursor": { borderLeftColor: "var(--fg)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--panel) 60%, transparent)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "color-mix(in srgb, var(--accent) 30%, transparent) !important" },
  ".cm-scroller": { maxHeight: "70vh", overflow: "auto", lineHeight: "1.55" },
  ".cm-panels": { backgroundColor: "var(--panel)", color: "var(--fg)" },
  ".cm-placeholder": { color: "var(--muted)" },
});

/** `/` and a word at the start of an otherwise empty line, the cursor after them: the `/` menu's query. */
const SLASH = /^\/([\p{L}\p{N} ]{0,24})$/u;

/** Does the clipboard hold formatting worth keeping (a web page, Google Docs, Word), rather than plain text? */
export function richHtml(data: DataTransfer | null): string | null {
  const html = data?.getData("text/html");
  if (!html || data?.types.includes("application/x-vellum-markdown")) return null;
  return /<(?:h[1-6]|b|strong|em|i|ul|ol|li|table|a|code|pre|blockquote)\b/i.test(html) ? html : null;
}

export function createMarkdownMode(parent: HTMLElement, doc: string, events: ModeEvents, label: { label: string; describedBy: string }): EditorMode {
  let slashFrom = -1;
  let cursorLine = 1;
  const apply = (c: TextChange) => {
    view.dispatch({ changes: { from: c.from, to: c.to, insert: c.insert }, selection: { anchor: c.anchor, head: c.head }, scrollIntoView: true, userEvent: "input" });
    view.focus();
  };
  const action = (id: Parameters<typeof applyAction>[0]) => () => {
    const { from, to } = view.state.selection.main;
    apply(applyAction(id, view.state.doc.toString(), from, to));
    return true;
  };
  /** Enter in a list or quote continues it (or ends it on an empty item). */
  const continued = () => {
    const { head, empty } = view.state.selection.main;
    const change = empty ? continueList(view.state.doc.toString(), head) : null;
    if (!change) return false;
    apply(change);
    return true;
  };
  const menuKey = (key: "ArrowUp" | "ArrowDown" | "Enter" | "Escape" | "Tab") => () => slashFrom >= 0 && events.onMenuKey(key);

  const extensions: Extension[] = [
    history(),
    drawSelection(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    EditorView.lineWrapping,
    new LanguageSupport(markdownLanguage),
    syntaxHighlighting(highlight),
    theme,
    placeholder("Write in Markdown… type / at the start of a line for blocks"),
    EditorView.contentAttributes.of({ "aria-label": label.label, "aria-describedby": label.describedBy, spellcheck: "true", autocapitalize: "sentences" }),
    // the menu's keys first, then the formatting shortcuts, then Markdown's own (list continuation), then the rest
    Prec.highest(keymap.of([
      { key: "ArrowUp", run: menuKey("ArrowUp") },
      { key: "ArrowDown", run: menuKey("ArrowDown") },
      { key: "Enter", run: () => menuKey("Enter")() || continued() },
      { key: "Escape", run: menuKey("Escape") },
      { key: "Tab", run: menuKey("Tab") },
      { key: "Mod-b", run: action("bold") },
      { key: "Mod-i", run: action("italic") },
      { key: "Mod-k", run: action("link") },
      { key: "Mod-e", run: action("code") },
      { key: "Mod-s", run: () => (events.onSave(), true) },
    ])),
    keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap]),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) changed();
      if (!u.docChanged && !u.selectionSet && !u.focusChanged) return;
      const { head, empty } = u.state.selection.main;
      const line = u.state.doc.lineAt(head);
      const m = empty && u.view.hasFocus && head === line.to ? SLASH.exec(line.text) : null;
      if (m) {
        slashFrom = line.from;
        const at = u.view.coordsAtPos(line.from);
        events.onSlash({ query: m[1]!, left: at?.left ?? 0, top: at?.bottom ?? 0 });
      } else if (slashFrom >= 0) {
        slashFrom = -1;
        events.onSlash(null);
      }
      // the preview follows the cursor from line to line (not every character: each follow is a layout of the preview)
      if (u.selectionSet && line.number !== cursorLine) {
        cursorLine = line.number;
        events.onCursor(u.state.doc.lines > 1 ? (line.number - 1) / (u.state.doc.lines - 1) : 0);
      }
    }),
    EditorView.domEventHandlers({
      paste(event) {
        const files = [...(event.clipboardData?.files ?? [])];
        if (files.length) {
          event.preventDefault();
          events.onFiles(files);
          return true;
        }
        const html = richHtml(event.clipboardData);
        if (!html) return false;
        event.preventDefault();
        // formatted text becomes Markdown through the visual mode's reading of HTML: one way for both modes
        void import("@/lib/editor/visual").then(({ htmlToMarkdown }) => insert(htmlToMarkdown(html)));
        return true;
      },
      drop(event, v) {
        const files = [...(event.dataTransfer?.files ?? [])];
        if (!files.length) return false;
        event.preventDefault();
        const at = v.posAtCoords({ x: event.clientX, y: event.clientY });
        if (at !== null) v.dispatch({ selection: { anchor: at } });
        events.onFiles(files);
        return true;
      },
      copy(event, v) {
        // what is copied from here is Markdown already: pasting it back never goes through HTML
        const { from, to } = v.state.selection.main;
        if (from === to || !event.clipboardData) return false;
        event.clipboardData.setData("text/plain", v.state.sliceDoc(from, to));
        event.clipboardData.setData("application/x-vellum-markdown", "1");
        event.preventDefault();
        return true;
      },
    }),
  ];

  const view = new EditorView({ state: EditorState.create({ doc, extensions }), parent });

  // the page hears of a change once typing pauses (the whole text is copied out); saving and drafts ask for it
  let pending: ReturnType<typeof setTimeout> | undefined;
  function changed() {
    clearTimeout(pending);
    pending = setTimeout(() => events.onChange(view.state.doc.toString()), 120);
  }

  function insert(text: string) {
    const { from, to } = view.state.selection.main;
    view.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length }, scrollIntoView: true, userEvent: "input.paste" });
    view.focus();
  }

  function takeSlash(): { doc: string; at: number } {
    const head = view.state.selection.main.head;
    const line = view.state.doc.lineAt(head);
    if (slashFrom === line.from && SLASH.test(line.text)) {
      view.dispatch({ changes: { from: line.from, to: line.to, insert: "" }, selection: { anchor: line.from } });
    }
    slashFrom = -1;
    events.onSlash(null);
    return { doc: view.state.doc.toString(), at: view.state.selection.main.head };
  }

  return {
    focus: () => view.focus(),
    markdown: () => view.state.doc.toString(),
    setMarkdown(text) {
      if (text === view.state.doc.toString()) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    run: (id) => void action(id)(),
    insertBlock(id) {
      const { doc: text, at } = takeSlash();
      apply(insertBlock(text, at, blockSnippet(id)));
    },
    clearSlash: () => void takeSlash(),
    insertMarkdown: insert,
    destroy: () => {
      clearTimeout(pending);
      view.destroy();
    },
  };
}
