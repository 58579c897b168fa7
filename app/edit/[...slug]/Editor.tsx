"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { matchBlocks, type BlockId } from "@/lib/editor/commands";
import { sendJson } from "@/app/_components/send-json";
import { FormError, useAction, useHydrated } from "@/app/_components/useAction";
import { fileTitleFor, uploadFile } from "@/app/_components/upload-file";
import { formatDate } from "@/app/_components/format";
import { createMarkdownMode } from "./markdown-mode";
import type { EditorMode, ModeEvents, SlashState } from "./mode";
import { ConflictPanel, type Conflict } from "./ConflictPanel";
import { Toolbar } from "./Toolbar";
import styles from "./editor.module.css";

export type Draft = { markdown: string; baseRevisionId: number | null; savedAt: string };
type Props = { title: string; initialMarkdown: string; baseRevisionId: number | null; draft: Draft | null; username: string };
type ModeName = "markdown" | "visual";

/** How often the draft is kept while the text changes (the contract: at least every 5 s). */
const DRAFT_EVERY_MS = 3000;
/** How often the editor says it is still open (the server forgets it after 45 s). */
const PRESENCE_EVERY_MS = 15_000;
const MODE_KEY = "vellum.editor.mode";

/**
 * The editor (docs/decisions/0031-writing.md): a Markdown mode (CodeMirror) and a visual mode (ProseMirror, loaded
 * when chosen) over the same Markdown, one toolbar and `/` menu for both, a preview that follows the cursor,
 * drafts kept every few seconds, who else is editing, and a conflict screen that helps merge by hand.
 * One component: the text, the mode, the base revision, the draft and the save share one state, and each part
 * (draft timer, presence, preview, save) reads it; the toolbar and the conflict screen are their own files.
 */
export function Editor({ title, initialMarkdown, baseRevisionId, draft, username }: Props) {
  const slug = encodeSlug(title);
  const hydrated = useHydrated();
  const [markdown, setMarkdown] = useState(initialMarkdown);
  const [summary, setSummary] = useState("");
  const [base, setBase] = useState(baseRevisionId);
  const [preview, setPreview] = useState("");
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [modeName, setModeName] = useState<ModeName>("markdown");
  const [loadingMode, setLoadingMode] = useState(false);
  const [slash, setSlash] = useState<SlashState | null>(null);
  const [choice, setChoice] = useState(0);
  const [offer, setOffer] = useState<Draft | null>(draft && draft.markdown !== initialMarkdown ? draft : null);
  const [draftNote, setDraftNote] = useState<string | null>(null);
  const [others, setOthers] = useState<{ username: string; since: string }[]>([]);
  const [uploads, setUploads] = useState<{ id: number; name: string; progress: number }[]>([]);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const { busy: saving, error, run } = useAction("Could not reach the server. Your text is still here; try again.");

  const host = useRef<HTMLDivElement>(null);
  const mode = useRef<EditorMode | null>(null);
  const previewBox = useRef<HTMLDivElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const saved = useRef(false);
  const lastDraft = useRef(draft?.markdown ?? initialMarkdown);
  const uploadIds = useRef(0);
  const menuItems = useMemo(() => (slash ? matchBlocks(slash.query) : []), [slash]);
  const menuRef = useRef({ items: menuItems, choice });
  // the modes' key handlers read the menu as it is now
  useEffect(() => {
    menuRef.current = { items: menuItems, choice };
  }, [menuItems, choice]);

  /** Upload files (dropped, pasted or picked) and insert each one's embed at the cursor. */
  const upload = useCallback(async (files: File[]) => {
    setUploadError(null);
    for (const file of files) {
      const entry = { id: ++uploadIds.current, name: file.name || "pasted image", progress: 0 };
      setUploads((u) => [...u, entry]);
      const onProgress = (p: number) => setUploads((u) => u.map((x) => (x.id === entry.id ? { ...x, progress: p } : x)));
      let answer = null;
      // a name that holds someone else's file is never replaced: the next free "Name (2).png" is used instead
      for (let attempt = 1; attempt <= 20; attempt++) {
        answer = await uploadFile(fileTitleFor(file, attempt), file, { onlyNew: true, onProgress });
        if (answer.status !== 412) break;
      }
      setUploads((u) => u.filter((x) => x.id !== entry.id));
      if (answer?.ok && answer.file) mode.current?.insertMarkdown(`[[${answer.file.title}]]`);
      else setUploadError(`${entry.name} was not uploaded: ${answer?.message ?? (answer?.status === 0 ? "the server could not be reached" : `HTTP ${answer?.status}`)}`);
    }
  }, []);

  const chooseBlock = useCallback((id: BlockId) => {
    setSlash(null);
    if (id === "image") {
      mode.current?.clearSlash();
      picker.current?.click();
    } else mode.current?.insertBlock(id);
  }, []);

  const events = useMemo<ModeEvents>(() => ({
    onChange: setMarkdown,
    onSlash: (s) => {
      setSlash(s);
      if (!s) setChoice(0);
    },
    onMenuKey: (key) => {
      const { items, choice: at } = menuRef.current;
      if (key === "Escape") {
        setSlash(null);
        return true;
      }
      if (!items.length) return false;
      if (key === "ArrowDown") setChoice((at + 1) % items.length);
      else if (key === "ArrowUp") setChoice((at - 1 + items.length) % items.length);
      else chooseBlock(items[Math.min(at, items.length - 1)]!.id);
      return true;
    },
    onSave: () => form.current?.requestSubmit(),
    onFiles: (files) => void upload(files),
    onCursor: (fraction) => {
      requestAnimationFrame(() => {
        const box = previewBox.current;
        if (box) box.scrollTop = Math.max(0, fraction * (box.scrollHeight - box.clientHeight));
      });
    },
  }), [chooseBlock, upload]);

  /** Show the text in `name`'s mode (the text is kept; the visual mode's code is fetched the first time). */
  const mount = useCallback(async (name: ModeName, text: string, focus: boolean) => {
    if (!host.current) return;
    setLoadingMode(true);
    const make = name === "visual" ? (await import("./visual-mode")).createVisualMode : createMarkdownMode;
    mode.current?.destroy();
    host.current.replaceChildren();
    mode.current = make(host.current, text, events, { label: name === "visual" ? "Text (visual)" : "Text (Markdown)", describedBy: "markdown-hint" });
    setModeName(name);
    setLoadingMode(false);
    if (focus) mode.current.focus();
  }, [events]);

  // the editor opens focused, in the mode last used
  useEffect(() => {
    const stored = window.localStorage.getItem(MODE_KEY) === "visual" ? "visual" : "markdown";
    void mount(stored, initialMarkdown, true);
    return () => mode.current?.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- mounted once; switching modes remounts on purpose
  }, []);

  function switchTo(name: ModeName) {
    if (loadingMode) return;
    if (name === modeName) return mode.current?.focus(); // back to the text
    window.localStorage.setItem(MODE_KEY, name);
    const text = mode.current?.markdown() ?? markdown;
    void mount(name, text, true);
  }

  /** Replace the whole text (a restored draft, a hunk of their version). */
  function replaceText(text: string) {
    mode.current?.setMarkdown(text);
    setMarkdown(text);
  }

  // the preview of the Markdown mode, rendered by the server as saved pages are
  useEffect(() => {
    if (modeName !== "markdown") return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch("/api/preview", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ markdown }), signal: controller.signal })
        .then(async (res) => res.ok && setPreview(((await res.json()) as { html: string }).html))
        .catch(() => undefined); // aborted by the next keystroke, or offline: the preview waits
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [markdown, modeName]);

  // the draft, kept every few seconds while the text changes (never before the person chose about an old one)
  useEffect(() => {
    if (offer) return;
    const timer = setInterval(() => {
      const text = mode.current?.markdown();
      if (text === undefined || text === lastDraft.current || saved.current) return;
      lastDraft.current = text;
      void sendJson<Draft>("PUT", `/api/drafts/${slug}`, { markdown: text, baseRevisionId: base }).then((r) => {
        if (r.ok && r.data?.savedAt) setDraftNote(`Draft saved ${formatDate(r.data.savedAt)}`);
        else if (r.status !== 429) lastDraft.current = ""; // tried again next time
      });
    }, DRAFT_EVERY_MS);
    return () => clearInterval(timer);
  }, [slug, base, offer]);

  // who else has the page open; the server forgets this editor 45 s after it stops saying so
  useEffect(() => {
    let stopped = false;
    const renew = async () => {
      const r = await sendJson<{ editors: { username: string; since: string }[] }>("PUT", `/api/editors/${slug}`);
      if (!stopped && r.ok && r.data?.editors) setOthers(r.data.editors.filter((e) => e.username !== username));
    };
    void renew();
    const timer = setInterval(() => void renew(), PRESENCE_EVERY_MS);
    const leave = () => void fetch(`/api/editors/${slug}`, { method: "DELETE", keepalive: true }).catch(() => undefined);
    window.addEventListener("pagehide", leave);
    return () => {
      stopped = true;
      clearInterval(timer);
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [slug, username]);

  const dirty = markdown !== initialMarkdown;
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (dirty && !saved.current) e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const text = mode.current?.markdown() ?? markdown;
    await run(async () => {
      const r = await sendJson<{ error: { current?: { revisionId: number; markdown: string }; currentRevision?: Omit<Conflict, "revisionId" | "markdown"> } }>(
        "PUT", `/api/pages/${slug}`, { markdown: text, summary, baseRevisionId: base },
      );
      if (r.ok) {
        saved.current = true;
        return window.location.assign(pagePaths.view(title));
      }
      const current = r.data?.error?.current;
      if (r.status === 409 && current) {
        const saved = r.data?.error?.currentRevision;
        setConflict({ ...current, author: saved?.author, createdAt: saved?.createdAt, summary: saved?.summary });
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
      {others.length > 0 && (
        <p className={`notice ${styles.presence}`} role="status">
          {others.map((o) => o.username).join(", ")} {others.length === 1 ? "is" : "are"} editing this page
          {others.length === 1 ? ` (since ${formatDate(others[0]!.since)})` : ""}. Save often; if your changes overlap, you will be shown both.
        </p>
      )}
      {offer && (
        <section className={`notice ${styles.draft}`} aria-labelledby="draft-heading">
          <h2 id="draft-heading">You have an unsaved draft</h2>
          <p>
            Saved {formatDate(offer.savedAt)}
            {offer.baseRevisionId !== baseRevisionId ? ", from an older version of this page (saving it will merge, or show you both)" : ""}.
          </p>
          <div className="actions">
            <button type="button" onClick={() => {
              replaceText(offer.markdown);
              setBase(offer.baseRevisionId);
              lastDraft.current = offer.markdown;
              setOffer(null);
              mode.current?.focus();
            }}>Restore draft</button>
            <button type="button" className="secondary" onClick={() => {
              setOffer(null);
              void sendJson("DELETE", `/api/drafts/${slug}`);
              mode.current?.focus();
            }}>Discard draft</button>
          </div>
        </section>
      )}
      {conflict && <ConflictPanel conflict={conflict} mine={markdown} onChange={replaceText} />}
      <FormError error={error} />
      <div className={styles.bar}>
        <div className={styles.modes} role="group" aria-label="Editing mode">
          {(["markdown", "visual"] as const).map((m) => (
            <button key={m} type="button" aria-pressed={modeName === m} onClick={() => switchTo(m)} disabled={!hydrated}>
              {m === "markdown" ? "Markdown" : "Visual"}
            </button>
          ))}
        </div>
        <Toolbar onAction={(id) => mode.current?.run(id)} onUpload={() => picker.current?.click()} disabled={!hydrated || loadingMode} />
        <input ref={picker} type="file" multiple hidden data-testid="upload-input"
          onChange={(e) => { void upload([...(e.target.files ?? [])]); e.target.value = ""; }} />
      </div>
      <div className={modeName === "markdown" ? styles.panes : styles.single}>
        <div className={styles.textPane}>
          <div ref={host} className={styles.host} data-mode={modeName} aria-busy={loadingMode} />
          <input type="hidden" name="markdown" value={markdown} />
          <p className="hint" id="markdown-hint">
            Type / at the start of a line for blocks. Drop or paste images to upload them. Ctrl+B bold, Ctrl+I italic, Ctrl+K link, Ctrl+S save.
          </p>
          {slash && menuItems.length > 0 && (
            <ul className={styles.menu} role="listbox" aria-label="Blocks" id="block-menu" style={{ left: slash.left, top: slash.top }}>
              {menuItems.map((b, i) => (
                <li key={b.id} id={`block-${b.id}`} role="option" aria-selected={i === choice}
                  onMouseDown={(e) => { e.preventDefault(); chooseBlock(b.id); }}>
                  <span>{b.label}</span> <span className={styles.menuHint}>{b.hint}</span>
                </li>
              ))}
            </ul>
          )}
          {uploads.map((u) => (
            <p key={u.id} className={styles.upload}>
              <label>Uploading {u.name} <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} /></label>
            </p>
          ))}
          {uploadError && <p className="error-box" role="alert">{uploadError}</p>}
        </div>
        {modeName === "markdown" && (
          <div>
            <h2 className={styles.previewHeading} id="preview-heading">Preview</h2>
            <div ref={previewBox} className={`article ${styles.preview}`} aria-labelledby="preview-heading" role="region"
              dangerouslySetInnerHTML={{ __html: preview }} data-testid="preview" />
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor="summary">Summary</label>
        <input id="summary" name="summary" type="text" maxLength={500} value={summary} onChange={(e) => setSummary(e.target.value)} aria-describedby="summary-hint" />
        <p className="hint" id="summary-hint">Briefly describe your change.</p>
      </div>
      <div className="actions">
        <button type="submit" disabled={saving || !hydrated}>{saving ? "Saving…" : conflict ? "Save merged text" : "Save"}</button>
        <a href={pagePaths.view(title)}>Cancel</a>
        {draftNote && <span className={styles.draftNote} role="status">{draftNote}</span>}
      </div>
    </form>
  );
}
