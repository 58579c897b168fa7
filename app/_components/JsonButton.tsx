"use client";

import { useState } from "react";

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
    const res = await fetch(props.url, {
      method: props.method,
      headers: { "Content-Type": "application/json" },
      body: props.body === undefined ? undefined : JSON.stringify(props.body),
    }).catch(() => null);
    setBusy(false);
    if (res?.ok) return window.location.reload();
    const data = (await res?.json().catch(() => null)) as { error?: { message?: string } } | null;
    setError(data?.error?.message ?? "That did not work; try again.");
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
