"use client";

import { useState } from "react";
import { sendJson } from "./send-json";

/**
 * A button that sends one JSON request and then reloads (or runs `after`). Shows the server's error message when
 * it fails. For small admin and settings actions.
 */
export function JsonButton(props: {
  method: "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  label: string;
  confirm?: string;
  className?: string;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function click() {
    if (props.confirm && !window.confirm(props.confirm)) return;
    setBusy(true);
    setError(null);
    const r = await sendJson(props.method, props.url, props.body);
    setBusy(false);
    if (r.ok) return window.location.reload();
    setError(r.message ?? "That did not work; try again.");
  }
  return (
    <span>
      <button type="button" className={props.className ?? "secondary"} onClick={click} disabled={busy}>
        {props.label}
      </button>
      {error && <span role="alert"> {error}</span>}
    </span>
  );
}
