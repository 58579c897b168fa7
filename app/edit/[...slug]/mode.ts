import type { ActionId, BlockId } from "@/lib/editor/commands";

/** Where the `/` menu is open: what was typed after the slash, and where (viewport pixels) to show the menu. */
export type SlashState = { query: string; left: number; top: number };

/** What the editor page hears from either mode. */
export type ModeEvents = {
  /** The Markdown changed (typing, a toolbar action, an upload). */
  onChange(markdown: string): void;
  /** The `/` menu should open, follow the typing, or close (null). */
  onSlash(state: SlashState | null): void;
  /** A key pressed while the `/` menu is open: true when the menu used it. */
  onMenuKey(key: "ArrowUp" | "ArrowDown" | "Enter" | "Escape" | "Tab"): boolean;
  /** Ctrl+S. */
  onSave(): void;
  /** Files dropped or pasted. */
  onFiles(files: File[]): void;
  /** The cursor moved (the preview follows it). */
  onCursor(fraction: number): void;
};

/**
 * One mode of the editor (docs/decisions/0031-writing.md): CodeMirror over the Markdown, or ProseMirror over the
 * document it reads as. The page keeps the Markdown; a mode shows and edits it.
 */
export interface EditorMode {
  focus(): void;
  markdown(): string;
  /** Replace the whole text (a restored draft, a hunk taken from the other version). */
  setMarkdown(markdown: string): void;
  run(action: ActionId): void;
  /** Turn the `/` and what follows it into the block chosen from the menu. */
  insertBlock(id: Exclude<BlockId, "image">): void;
  /** Take away the `/` and what follows it (the menu chose an upload). */
  clearSlash(): void;
  /** Insert Markdown at the cursor (an uploaded file's embed). */
  insertMarkdown(text: string): void;
  destroy(): void;
}
