"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";
import { FormError, useAction, useHydrated } from "@/app/_components/useAction";

/** The organisation's single sign-on: next-auth's OIDC flow (PKCE, state and nonce), back to `callbackUrl`. */
export function OidcSignInButton({ name, callbackUrl }: { name: string; callbackUrl: string }) {
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      className="sso-button"
      disabled={busy || !hydrated}
      onClick={() => {
        setBusy(true);
        void signIn("oidc", { callbackUrl });
      }}
    >
      Sign in with {name}
    </button>
  );
}

/** The username and password form: a Vellum password, or the directory's when one is configured. */
export function SignInForm({ callbackUrl, directory = false }: { callbackUrl: string; directory?: boolean }) {
  const { busy, disabled, error, run } = useAction();

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    await run(async () => {
      const result = await signIn("credentials", {
        username: String(form.get("username") ?? ""),
        password: String(form.get("password") ?? ""),
        redirect: false,
      });
      if (result?.ok && !result.error) return window.location.assign(callbackUrl);
      if (result?.status === 429) return "Too many failed attempts. Wait a few minutes and try again.";
      if (result?.error === "DirectoryUnavailable") return "The directory is not answering right now, so it cannot check your password. Try again in a few minutes.";
      return directory ? "The directory and this wiki know no such username and password." : "That username and password do not match an account.";
    });
  }

  return (
    <form onSubmit={submit} className="form-narrow" aria-label="Sign in">
      <FormError error={error} />
      <div className="field">
        <label htmlFor="username">Username</label>
        <input id="username" name="username" type="text" autoComplete="username" required autoFocus autoCapitalize="none" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <button type="submit" disabled={disabled}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

/** Ask for a magic link. The answer is the same whether or not the address has an account. */
export function EmailSignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, setState] = useState<"idle" | "busy" | "sent" | "limited">("idle");
  const hydrated = useHydrated();

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setState("busy");
    const form = new FormData(e.currentTarget);
    const result = await signIn("email", { email: String(form.get("email") ?? ""), callbackUrl, redirect: false });
    setState(result?.status === 429 ? "limited" : "sent");
  }

  return (
    <form onSubmit={submit} className="form-narrow" aria-label="Sign in by email">
      {state === "sent" && (
        <p className="notice" role="status">
          If that address belongs to an account, a sign-in link is on its way. It works once, for 15 minutes.
        </p>
      )}
      {state === "limited" && (
        <p className="error-box" role="alert">
          Too many links asked for. Wait a few minutes and try again.
        </p>
      )}
      <div className="field">
        <label htmlFor="signin-email">Email</label>
        <input id="signin-email" name="email" type="email" autoComplete="email" required />
      </div>
      <button type="submit" className="secondary" disabled={state === "busy" || !hydrated}>
        Email me a sign-in link
      </button>
    </form>
  );
}
