import { Editor, Extension, InputRule } from "@tiptap/core";
import { Fragment, Slice } from "@tiptap/pm/model";
import { TextSelection } from "@tiptap/pm/state";
import { originalOf, readMarkdown, toMarkdown, visualExtensions, type Original } from "@/lib/editor/visual";
import type { ActionId, BlockId } from "@/lib/editor/commands";
import { richHtml } from "./markdown-mode";
import type { EditorMode, ModeEvents } from "./mode";

// The visual mode: TipTap (ProseMirror) over the document lib/editor/visual.ts reads from the Markdown, written
// back by it (unchanged blocks as their own source). Loaded only when someone switches to it.

/** `/` and a word alone in a paragraph, the cursor after them: the `/` menu's query. */
const SLASH = /^\/([\p{L}\p{N} ]{0,24})$/u;

/** Text that reads as Markdown rather than prose: pasted into the visual mode, it is read as Markdown. */
const LOOKS_LIKE_MARKDOWN = /(^|\n)(#{1,6} |[-*+] |\d+[.)] |> |```|\|.*\|)|\*\*[^*]+\*\*|\[\[[^\]]+\]\]|\]\(https?:/;

export function createVisualMode(parent: HTMLElement, markdown: string, events: ModeEvents, label: { label: string; describedBy: string }): EditorMode {
  let original: Original;
  let slashAt = -1; // where the paragraph holding the `/` starts

  const keys = Extension.create({
    name: "vellumKeys",
    priority: 1000,
    addKeyboardShortcuts() {
      const menu = (key: "ArrowUp" | "ArrowDown" | "Enter" | "Escape" | "Tab") => () => slashAt >= 0 && events.onMenuKey(key);
      return {
        ArrowUp: menu("ArrowUp"),
        ArrowDown: menu("ArrowDown"),
        Enter: menu("Enter"),
        Escape: menu("Escape"),
        Tab: menu("Tab"),
        "Mod-s": () => (events.onSave(), true),
        "Mod-k": () => (run("link"), true),
      };
    },
    addInputRules() {
      // `[[Title]]` typed becomes a wiki link, as it would in the Markdown mode
      return [
        new InputRule({
          find: /\[\[([^[\]\n]{1,1000})\]\]$/,
          handler: ({ state, range, match }) => {
            state.tr.replaceWith(range.from, range.to, state.schema.nodes.rawInline!.create({ raw: match[0], kind: "wikilink" }));
          },
        }),
      ];
    },
  });

  const read = readMarkdown(markdown);
  const editor = new Editor({
    element: parent,
    extensions: [...visualExtensions(), keys],
    content: read.doc,
    editorProps: {
      attributes: { class: "article visual-text", "aria-label": label.label, "aria-describedby": label.describedBy, "aria-multiline": "true", role: "textbox", spellcheck: "true" },
      handlePaste(_view, event) {
        const files = [...(event.clipboardData?.files ?? [])];
        if (files.length) {
          events.onFiles(files);
          return true;
        }
        // formatted text (a web page, Google Docs, Word) is read by the schema's own rules; Markdown as Markdown
        if (richHtml(event.clipboardData)) return false;
        const text = event.clipboardData?.getData("text/plain") ?? "";
        if (!LOOKS_LIKE_MARKDOWN.test(text)) return false;
        const doc = editor.schema.nodeFromJSON(readMarkdown(text).doc);
        editor.view.dispatch(editor.state.tr.replaceSelection(new Slice(Fragment.from(doc.content), 0, 0)).scrollIntoView());
        return true;
      },
      handleDrop(view, event) {
        const files = [...(event.dataTransfer?.files ?? [])];
        if (!files.length) return false;
        const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
        if (at) view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, at.pos)));
        events.onFiles(files);
        return true;
      },
    },
    onUpdate: () => changed(),
    onTransaction: () => watchSlash(),
  });
  original = originalOf(read, editor.schema.nodeFromJSON(read.doc), markdown, editor.state.doc);

  // the page hears of a change once typing pauses (writing the Markdown is linear in the page); saving and drafts
  // ask for the Markdown itself, always current
  let pending: ReturnType<typeof setTimeout> | undefined;
  function changed() {
    clearTimeout(pending);
    pending = setTimeout(() => events.onChange(toMarkdown(editor.state.doc, original)), 120);
  }

  function watchSlash() {
    const { $from, empty } = editor.state.selection;
    const para = $from.parent;
    const m = empty && editor.isFocused && para.type.name === "paragraph" && $from.parentOffset === para.content.size ? SLASH.exec(para.textContent) : null;
    if (m) {
      slashAt = $from.start();
      const at = editor.view.coordsAtPos(slashAt);
      events.onSlash({ query: m[1]!, left: at.left, top: at.bottom });
    } else if (slashAt >= 0) {
      slashAt = -1;
      events.onSlash(null);
    }
  }

  /** Take the `/` and its query out of their paragraph. */
  function takeSlash() {
    if (slashAt >= 0) {
      const end = editor.state.selection.$from.end();
      editor.chain().focus().deleteRange({ from: slashAt, to: end }).run();
    }
    slashAt = -1;
    events.onSlash(null);
  }

  function insertRaw(raw: string, kind: string) {
    const node = editor.schema.nodes.rawInline!.create({ raw, kind });
    editor.chain().focus().insertContent(node.toJSON()).run();
  }

  function run(id: ActionId) {
    const c = editor.chain().focus();
    switch (id) {
      case "bold": c.toggleBold().run(); break;
      case "italic": c.toggleItalic().run(); break;
      case "code": c.toggleCode().run(); break;
      case "heading": c.toggleHeading({ level: 2 }).run(); break;
      case "bullets": c.toggleBulletList().run(); break;
      case "numbers": c.toggleOrderedList().run(); break;
      case "tasks": c.toggleTaskList().run(); break;
      case "quote": c.toggleBlockquote().run(); break;
      case "table": c.insertTable({ rows: 2, cols: 2, withHeaderRow: true }).run(); break;
      case "link": {
        const { from, to, empty } = editor.state.selection;
        const selected = editor.state.doc.textBetween(from, to, " ");
        const title = empty ? window.prompt("Link to which page? (its title)")?.trim() : selected.trim();
        if (title) insertRaw(`[[${title.replace(/[[\]|]/g, "")}]]`, "wikilink");
        else editor.commands.focus();
        break;
      }
    }
  }

  return {
    focus: () => void editor.commands.focus(),
    markdown: () => toMarkdown(editor.state.doc, original),
    setMarkdown(text) {
      if (text === toMarkdown(editor.state.doc, original)) return;
      const next = readMarkdown(text);
      editor.commands.setContent(next.doc, { emitUpdate: false });
      original = originalOf(next, editor.schema.nodeFromJSON(next.doc), text, editor.state.doc);
    },
    run,
    insertBlock(id: Exclude<BlockId, "image">) {
      takeSlash();
      const c = editor.chain().focus();
      switch (id) {
        case "h2": c.setHeading({ level: 2 }).run(); break;
        case "h3": c.setHeading({ level: 3 }).run(); break;
        case "bullets": c.toggleBulletList().run(); break;
        case "numbers": c.toggleOrderedList().run(); break;
        case "tasks": c.toggleTaskList().run(); break;
        case "quote": c.toggleBlockquote().run(); break;
        case "codeblock": c.setCodeBlock().run(); break;
        case "table": c.insertTable({ rows: 2, cols: 2, withHeaderRow: true }).run(); break;
        case "divider": c.setHorizontalRule().run(); break;
        case "note":
        case "warning":
        case "math": {
          const text = id === "math" ? "$$\nx\n$$" : `> [!${id.toUpperCase()}]\n> `;
          c.insertContent({ type: "rawBlock", attrs: { kind: id === "math" ? "blockMath" : "alert" }, content: [{ type: "text", text }] }).run();
          break;
        }
      }
    },
    clearSlash: takeSlash,
    insertMarkdown: (text) => insertRaw(text, "wikilink"),
    destroy: () => {
      clearTimeout(pending);
      editor.destroy();
    },
  };
}
