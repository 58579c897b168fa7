"use client";

import { useEffect, useRef, useState } from "react";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { sendJson } from "@/app/_components/send-json";
import { FormError, useAction } from "@/app/_components/useAction";
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
    <form onSubmit={save} className={styles.form} aria-label={`Edit ${title}`}>
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
          <textarea
            id="markdown"
            name="markdown"
            rows={24}
            value={markdown}
            onChange={(e) => setMarkdown(e.target.value)}
            spellCheck
          />
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
