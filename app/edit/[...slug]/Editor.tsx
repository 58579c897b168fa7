"use client";

import { useEffect, useRef, useState } from "react";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { sendJson } from "@/app/_components/send-json";
import { FormError, useAction } from "@/app/_components/useAction";
import { fileTitleFor, uploadFile } from "@/app/_components/upload-file";
import styles from "./editor.module.css";

type Props = { title: string; initialMarkdown: string; baseRevisionId: number | null };
type Conflict = { revisionId: number; markdown: string };

/**
 * The editor: text, summary, live preview (rendered on the server by the same code as saved pages) and the
 * conflict screen. On a conflict the person's text is kept in the editor; their colleague's saved version is
 * shown beside it, and saving again (after merging by hand) is based on that version.
 */
export function Editor({ title, initialMarkdown, baseRevisionId }: Props) {
  const [markdown, setMarkdown] = useState(initialMarkdown);
  const [summary, setSummary] = useState("");
  const [base, setBase] = useState(baseRevisionId);
  const [preview, setPreview] = useState<string>("");
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const { busy: saving, error, run } = useAction("Could not reach the server. Your text is still here; try again.");
  const saved = useRef(false);
  const dirty = markdown !== initialMarkdown;
  const text = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const [uploads, setUploads] = useState<{ id: number; name: string; progress: number }[]>([]);
  const uploadIds = useRef(0);
  const [uploadError, setUploadError] = useState<string | null>(null);

  /** Replace the selection with `before + selection + after` (or `placeholder`), keeping the selection on the text. */
  function wrap(before: string, after = before, placeholder = "text") {
    const el = text.current;
    if (!el) return;
    const { selectionStart: s, selectionEnd: e, value } = el;
    const inner = value.slice(s, e) || placeholder;
    const next = value.slice(0, s) + before + inner + after + value.slice(e);
    setMarkdown(next);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(s + before.length, s + before.length + inner.length);
    });
  }

  /** Start every selected line (or the cursor's) with `prefix`. */
  function prefixLines(prefix: string) {
    const el = text.current;
    if (!el) return;
    const { selectionStart: s, selectionEnd: e, value } = el;
    const start = value.lastIndexOf("\n", s - 1) + 1;
    const lines = value.slice(start, e).split("\n").map((l) => prefix + l).join("\n");
    setMarkdown(value.slice(0, start) + lines + value.slice(e));
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start, start + lines.length);
    });
  }

  /** Insert `snippet` at the cursor (the cursor goes after it). */
  function insertAtCursor(snippet: string) {
    const el = text.current;
    const value = el?.value ?? markdown;
    const at = el ? el.selectionEnd : value.length;
    setMarkdown((current) => current.slice(0, at) + snippet + current.slice(at));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + snippet.length, at + snippet.length);
    });
  }

  /**
   * Upload files (dropped, pasted or picked) and insert the Markdown that shows each at the cursor. A name that
   * holds someone else's file is never replaced: the next free "Name (2).png" is used instead.
   */
  async function upload(files: File[]) {
    setUploadError(null);
    for (const file of files) {
      const entry = { id: ++uploadIds.current, name: file.name || "pasted image", progress: 0 };
      setUploads((u) => [...u, entry]);
      const onProgress = (p: number) => setUploads((u) => u.map((x) => (x.id === entry.id ? { ...x, progress: p } : x)));
      let answer = null;
      for (let attempt = 1; attempt <= 20; attempt++) {
        answer = await uploadFile(fileTitleFor(file, attempt), file, { onlyNew: true, onProgress });
        if (answer.status !== 412) break;
      }
      setUploads((u) => u.filter((x) => x.id !== entry.id));
      if (answer?.ok && answer.file) {
        insertAtCursor(`[[${answer.file.title}]]`);
      } else {
        setUploadError(
          `${entry.name} was not uploaded: ${answer?.message ?? (answer?.status === 0 ? "the server could not be reached" : `HTTP ${answer?.status}`)}`,
        );
      }
    }
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key === "b") wrap("**");
    else if (key === "i") wrap("_");
    else if (key === "k") wrap("[[", "]]", "Page title");
    else if (key === "s") form.current?.requestSubmit();
    else return;
    e.preventDefault();
  }

  function onDrop(e: React.DragEvent<HTMLTextAreaElement>) {
    const files = [...e.dataTransfer.files];
    if (!files.length) return;
    e.preventDefault();
    const el = text.current;
    if (el) {
      // the drop point is where the Markdown goes
      const at = document.caretPositionFromPoint?.(e.clientX, e.clientY);
      if (at?.offsetNode === el) el.setSelectionRange(at.offset, at.offset);
    }
    void upload(files);
  }

  function onPaste(e: React.ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...e.clipboardData.files];
    if (!files.length) return;
    e.preventDefault();
    void upload(files);
  }

  useEffect(() => {
    const controller = new AbortController();
    const refresh = async () => {
      try {
        const res = await fetch("/api/preview", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ markdown }),
          signal: controller.signal,
        });
        if (res.ok) setPreview(((await res.json()) as { html: string }).html);
      } catch {
        // aborted by the next keystroke, or offline: the preview simply waits
      }
    };
    const timer = setTimeout(() => void refresh(), 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [markdown]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (dirty && !saved.current) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    await run(async () => {
      const r = await sendJson<{ error: { current?: Conflict } }>("PUT", `/api/pages/${encodeSlug(title)}`, { markdown, summary, baseRevisionId: base });
      if (r.ok) {
        saved.current = true;
        return window.location.assign(pagePaths.view(title));
      }
      const current = r.data?.error?.current;
      if (r.status === 409 && current) {
        setConflict(current);
        setBase(current.revisionId);
        return;
      }
      if (r.status === 0) return "Could not reach the server. Your text is still here; try again.";
      if (r.status === 401) return "Your session has ended. Sign in again in another tab, then save; your text is still here.";
      return r.message ?? `Saving failed (HTTP ${r.status}). Your text is still here.`;
    });
  }

  return (
    <form ref={form} onSubmit={save} className={styles.form} aria-label={`Edit ${title}`}>
      {conflict && (
        <section className={`notice ${styles.conflict}`} aria-labelledby="conflict-heading" role="alert">
          <h2 id="conflict-heading">Edit conflict</h2>
          <p>
            Someone saved this page after you started editing, and their changes overlap with yours. Your text is kept
            below. Copy what you need from their version, then save: your save will replace their version.
          </p>
          <label htmlFor="their-version">Their version (saved as revision {conflict.revisionId})</label>
          <textarea id="their-version" readOnly rows={10} value={conflict.markdown} />
        </section>
      )}
      <FormError error={error} />
      <div className={styles.panes}>
        <div>
          <label htmlFor="markdown">{conflict ? "Your version" : "Text (Markdown)"}</label>
          <div className={styles.toolbar} role="toolbar" aria-label="Formatting" aria-controls="markdown">
            <button type="button" onClick={() => wrap("**")} title="Bold (Ctrl+B)" aria-label="Bold"><b>B</b></button>
            <button type="button" onClick={() => wrap("_")} title="Italic (Ctrl+I)" aria-label="Italic"><i>I</i></button>
            <button type="button" onClick={() => prefixLines("## ")} title="Heading" aria-label="Heading">H</button>
            <button type="button" onClick={() => wrap("[[", "]]", "Page title")} title="Link (Ctrl+K)" aria-label="Link">Link</button>
            <button type="button" onClick={() => prefixLines("- ")} title="List" aria-label="List">• List</button>
            <button type="button" onClick={() => wrap("`")} title="Code" aria-label="Code">{"</>"}</button>
            <button type="button" onClick={() => picker.current?.click()} title="Upload a file or image" aria-label="Upload a file or image">Upload…</button>
            <input ref={picker} type="file" multiple hidden data-testid="upload-input"
              onChange={(e) => { void upload([...(e.target.files ?? [])]); e.target.value = ""; }} />
          </div>
          <textarea
            ref={text}
            id="markdown"
            name="markdown"
            rows={24}
            value={markdown}
            onChange={(e) => setMarkdown(e.target.value)}
            onKeyDown={onKeyDown}
            onDrop={onDrop}
            onPaste={onPaste}
            aria-describedby="markdown-hint"
            spellCheck
          />
          <p className="hint" id="markdown-hint">Drop or paste images and files here to upload them. Ctrl+B bold, Ctrl+I italic, Ctrl+K link, Ctrl+S save.</p>
          {uploads.map((u) => (
            <p key={u.id} className={styles.upload}>
              <label>
                Uploading {u.name} <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />
              </label>
            </p>
          ))}
          {uploadError && <p className="error-box" role="alert">{uploadError}</p>}
        </div>
        <div>
          <h2 className={styles.previewHeading} id="preview-heading">
            Preview
          </h2>
          <div className={`article ${styles.preview}`} aria-labelledby="preview-heading" aria-live="polite"
            dangerouslySetInnerHTML={{ __html: preview }} data-testid="preview" />
        </div>
      </div>
      <div className="field">
        <label htmlFor="summary">Summary</label>
        <input
          id="summary"
          name="summary"
          type="text"
          maxLength={500}
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
          aria-describedby="summary-hint"
        />
        <p className="hint" id="summary-hint">
          Briefly describe your change.
        </p>
      </div>
      <div className="actions">
        <button type="submit" disabled={saving}>
          {saving ? "Saving…" : conflict ? "Save my version" : "Save"}
        </button>
        <a href={pagePaths.view(title)}>Cancel</a>
      </div>
    </form>
  );
}
