"use client";

import { useState } from "react";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { sendJson } from "@/app/_components/send-json";
import { uploadFile } from "@/app/_components/upload-file";
import { FormError, useAction } from "@/app/_components/useAction";

/** Upload a first file or a new version to a File: title, with a progress bar; then show the File page. */
export function UploadForm({ title, exists }: { title: string; exists: boolean }) {
  const [file, setFile] = useState<File | null>(null);
  const [summary, setSummary] = useState("");
  const [progress, setProgress] = useState<number | null>(null);
  const { busy, disabled, error, run } = useAction("Could not reach the server; try again.");
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!file) return;
    await run(async () => {
      setProgress(0);
      const answer = await uploadFile(title, file, { summary, onProgress: setProgress });
      setProgress(null);
      if (answer.ok) return window.location.assign(pagePaths.view(title));
      if (answer.status === 0) return "Could not reach the server; try again.";
      return answer.message ?? `The upload failed (HTTP ${answer.status}).`;
    });
  }
  return (
    <form onSubmit={submit} aria-label={exists ? `Upload a new version of ${title}` : `Upload ${title}`}>
      <FormError error={error} />
      <div className="field">
        <label htmlFor="file">{exists ? "New version" : "File"}</label>
        <input id="file" name="file" type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </div>
      <div className="field">
        <label htmlFor="summary">{exists ? "Summary" : "Description"}</label>
        <input id="summary" name="summary" type="text" maxLength={500} value={summary} onChange={(e) => setSummary(e.target.value)} />
      </div>
      {progress !== null && (
        <p>
          <label>
            Uploading <progress max={1} value={progress} aria-label="Upload progress" />
          </label>
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={disabled || !file}>{busy ? "Uploading…" : exists ? "Upload new version" : "Upload"}</button>
        <a href={pagePaths.view(title)}>Cancel</a>
      </div>
    </form>
  );
}

/** Make an earlier version's bytes current again (a new version), then show the File page. */
export function RevertFileButton({ title, versionId, number }: { title: string; versionId: number; number: number }) {
  const { disabled, error, run } = useAction();
  async function revert() {
    if (!window.confirm(`Make version ${number} of “${title}” the current file again? This adds a new version.`)) return;
    await run(async () => {
      const r = await sendJson("POST", `/api/files/${encodeSlug(title)}/revert`, { versionId });
      if (r.ok) return window.location.assign(pagePaths.view(title));
      return r.message ?? "Revert failed; try again.";
    });
  }
  return (
    <span>
      <button type="button" className="secondary" onClick={revert} disabled={disabled} aria-label={`Revert to version ${number}`}>
        Revert
      </button>
      {error && <span role="alert"> {error}</span>}
    </span>
  );
}
