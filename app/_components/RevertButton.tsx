"use client";

import { useState } from "react";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";

/** Restores a page to revision `revisionId` (a new revision with its text), then shows the page. */
export function RevertButton({ title, revisionId, number }: { title: string; revisionId: number; number: number }) {
  const [state, setState] = useState<"idle" | "busy" | string>("idle");
  async function revert() {
    if (!window.confirm(`Restore “${title}” to revision ${number}? This adds a new revision.`)) return;
    setState("busy");
    const res = await fetch(`/api/revert/${encodeSlug(title)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ revisionId }),
    }).catch(() => null);
    if (res?.ok) {
      window.location.assign(pagePaths.view(title));
      return;
    }
    const data = (await res?.json().catch(() => null)) as { error?: { message?: string } } | null;
    setState(data?.error?.message ?? "Revert failed; try again.");
  }
  return (
    <span>
      <button type="button" className="secondary" onClick={revert} disabled={state === "busy"}
        aria-label={`Revert to revision ${number}`}>
        Revert
      </button>
      {state !== "idle" && state !== "busy" && <span role="alert"> {state}</span>}
    </span>
  );
}
