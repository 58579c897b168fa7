"use client";

import { useState } from "react";
import { sendJson } from "@/app/_components/send-json";

/** One click confirms the address the link was sent to. */
export function VerifyEmailButton({ token }: { token: string }) {
  const [state, setState] = useState<{ done?: string; error?: string; busy?: boolean }>({});
  async function confirm() {
    setState({ busy: true });
    const r = await sendJson<{ email: string }>("POST", "/api/verify-email", { token });
    if (r.ok) setState({ done: r.data?.email ?? "your address" });
    else setState({ error: r.message ?? "That did not work; try again." });
  }
  if (state.done) {
    return (
      <p className="notice" role="status">
        Thank you: {state.done} is confirmed. Change emails can now reach it. <a href="/settings">Settings</a>
      </p>
    );
  }
  return (
    <>
      {state.error && (
        <p className="error-box" role="alert">
          {state.error}
        </p>
      )}
      <p>Confirm that this address is yours, so that Vellum may send it change emails.</p>
      <button type="button" onClick={confirm} disabled={state.busy}>
        {state.busy ? "Confirming…" : "Confirm my address"}
      </button>
    </>
  );
}
