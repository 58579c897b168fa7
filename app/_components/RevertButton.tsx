"use client";

import { useState } from "react";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { sendJson } from "./send-json";

/** Restores a page to revision `revisionId` (a new revision with its text), then shows the page. */
export function RevertButton({ title, revisionId, number }: { title: string; revisionId: number; number: number }) {
  const [state, setState] = useState<"idle" | "busy" | string>("idle");
  async function revert() {
    if (!window.confirm(`Restore “${title}” to revision ${number}? This adds a new revision.`)) return;
    setState("busy");
    const r = await sendJson("POST", `/api/revert/${encodeSlug(title)}`, { revisionId });
    if (r.ok) {
      window.location.assign(pagePaths.view(title));
      return;
    }
    setState(r.message ?? "Revert failed; try again.");
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
