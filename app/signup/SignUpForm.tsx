"use client";

import { signIn } from "next-auth/react";
import { sendJson } from "@/app/_components/send-json";
import { FormError, UNREACHABLE, useAction } from "@/app/_components/useAction";
import { MAIN_PAGE_PATH } from "@/lib/http/names.js";

/** `askSetupCode`: the wiki has no administrator yet, so offer the field for `npm start`'s setup code. */
export function SignUpForm({ askSetupCode }: { askSetupCode: boolean }) {
  const { busy, disabled, error, run } = useAction();

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const account = {
      username: String(form.get("username") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      ...(form.get("setupCode") ? { setupCode: String(form.get("setupCode")).trim() } : {}),
    };
    await run(async () => {
      const r = await sendJson("POST", "/api/accounts", account);
      if (!r.ok) return r.status ? (r.message ?? `Sign-up failed (HTTP ${r.status})`) : UNREACHABLE;
      const result = await signIn("credentials", { username: account.username, password: account.password, redirect: false });
      window.location.assign(result?.ok ? MAIN_PAGE_PATH : "/signin");
    });
  }

  return (
    <form onSubmit={submit} className="form-narrow" aria-label="Create account">
      <FormError error={error} />
      <div className="field">
        <label htmlFor="username">Username</label>
        <input id="username" name="username" type="text" autoComplete="username" required minLength={3} maxLength={32}
          pattern="[A-Za-z0-9_\-]{3,32}" aria-describedby="username-hint" />
        <p className="hint" id="username-hint">3–32 letters, digits, _ or -.</p>
      </div>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="new-password" required minLength={10}
          aria-describedby="password-hint" />
        <p className="hint" id="password-hint">At least 10 characters.</p>
      </div>
      {askSetupCode && (
        <div className="field">
          <label htmlFor="setupCode">Setup code (optional)</label>
          <input id="setupCode" name="setupCode" type="text" autoComplete="off" maxLength={200} aria-describedby="setup-hint" />
          <p className="hint" id="setup-hint">
            This wiki has no administrator yet. The code <code>npm start</code> printed makes this account the administrator
            (not needed when you create it on the machine the wiki runs on).
          </p>
        </div>
      )}
      <button type="submit" disabled={disabled}>
        {busy ? "Creating…" : "Create account"}
      </button>
    </form>
  );
}
