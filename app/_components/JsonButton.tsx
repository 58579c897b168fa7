"use client";

import { sendJson } from "./send-json";
import { useAction } from "./useAction";

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
  const { disabled, error, run } = useAction();
  async function click() {
    if (props.confirm && !window.confirm(props.confirm)) return;
    await run(async () => {
      const r = await sendJson(props.method, props.url, props.body);
      if (r.ok) return window.location.reload();
      return r.message ?? "That did not work; try again.";
    });
  }
  return (
    <span>
      <button type="button" className={props.className ?? "secondary"} onClick={click} disabled={disabled}>
        {props.label}
      </button>
      {error && <span role="alert"> {error}</span>}
    </span>
  );
}
