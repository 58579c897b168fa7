"use client";

import { useState } from "react";

/** One click confirms the address the link was sent to. */
export function VerifyEmailButton({ token }: { token: string }) {
  const [state, setState] = useState<{ done?: string; error?: string; busy?: boolean }>({});
  async function confirm() {
    setState({ busy: true });
    const res = await fetch("/api/verify-email", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    }).catch(() => null);
    const data = (await res?.json().catch(() => null)) as { email?: string; error?: { message?: string } } | null;
    if (res?.ok) setState({ done: data?.email ?? "your address" });
    else setState({ error: data?.error?.message ?? "That did not work; try again." });
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
