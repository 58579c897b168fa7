"use client";

import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { sendJson } from "./send-json";
import { useAction } from "./useAction";

/** Restores a page to revision `revisionId` (a new revision with its text), then shows the page. */
export function RevertButton({ title, revisionId, number }: { title: string; revisionId: number; number: number }) {
  const { disabled, error, run } = useAction();
  async function revert() {
    if (!window.confirm(`Restore “${title}” to revision ${number}? This adds a new revision.`)) return;
    await run(async () => {
      const r = await sendJson("POST", `/api/revert/${encodeSlug(title)}`, { revisionId });
      if (r.ok) return window.location.assign(pagePaths.view(title));
      return r.message ?? "Revert failed; try again.";
    });
  }
  return (
    <span>
      <button type="button" className="secondary" onClick={revert} disabled={disabled}
        aria-label={`Revert to revision ${number}`}>
        Revert
      </button>
      {error && <span role="alert"> {error}</span>}
    </span>
  );
}
