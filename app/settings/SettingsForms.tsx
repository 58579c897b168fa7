"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { sendJson } from "@/app/_components/send-json";
import { UNREACHABLE, useAction } from "@/app/_components/useAction";

/** sendJson, with a message for every failure: the server's, its HTTP status, or that it could not be reached. */
async function send(method: "PATCH" | "POST", url: string, body: unknown) {
  const r = await sendJson(method, url, body);
  return { ...r, error: r.message ?? (r.status ? `HTTP ${r.status}` : UNREACHABLE) };
}

export function ProfileForm(props: { displayName: string; bio: string; notify: string; username: string }) {
  const [saved, setSaved] = useState(false);
  const { disabled, error, run } = useAction();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setSaved(false);
    await run(async () => {
      const r = await send("PATCH", "/api/users/me", {
        displayName: String(form.get("displayName") ?? ""),
        bio: String(form.get("bio") ?? ""),
        notify: String(form.get("notify") ?? "each"),
      });
      if (!r.ok) return r.error;
      setSaved(true);
    });
  }
  return (
    <form onSubmit={submit} aria-label="Profile">
      <div className="field">
        <label htmlFor="displayName">Display name</label>
        <input id="displayName" name="displayName" type="text" maxLength={64} required defaultValue={props.displayName} />
      </div>
      <div className="field">
        <label htmlFor="bio">Bio (Markdown)</label>
        <textarea id="bio" name="bio" rows={6} defaultValue={props.bio} />
      </div>
      <div className="field">
        <label htmlFor="notify">Email me about changes to watched pages</label>
        <select id="notify" name="notify" defaultValue={props.notify}>
          <option value="each">for every change</option>
          <option value="digest">in a daily digest</option>
          <option value="none">never</option>
        </select>
      </div>
      <div className="actions">
        <button type="submit" disabled={disabled}>Save profile</button>
        <a href={`/users/${encodeURIComponent(props.username)}`}>View profile</a>
        {saved && <span role="status">Saved.</span>}
        {error && <span role="alert">{error}</span>}
      </div>
    </form>
  );
}

export function NewTokenForm() {
  const [token, setToken] = useState<string | null>(null);
  const { disabled, error, run } = useAction();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const days = Number(form.get("expiresInDays") ?? 0);
    await run(async () => {
      const r = await send("POST", "/api/tokens", {
        name: String(form.get("tokenName") ?? "") || undefined,
        ...(days > 0 ? { expiresInDays: days } : {}),
      });
      if (!r.ok) return r.error;
      setToken(String(r.data?.token));
    });
  }
  return (
    <form onSubmit={submit} aria-label="New access token" className="form-narrow">
      {token ? (
        <div className="notice" role="status">
          <p id="new-token-label">Your new token (shown only now, copy it):</p>
          <p className="token-row">
            <code className="token-value" data-testid="new-token" aria-labelledby="new-token-label">{token}</code>
            <CopyButton text={token} />
          </p>
          <a href="/settings">Done</a>
        </div>
      ) : (
        <>
          <div className="field">
            <label htmlFor="tokenName">Token name</label>
            <input id="tokenName" name="tokenName" type="text" maxLength={100} placeholder="e.g. import bot" />
          </div>
          <div className="field">
            <label htmlFor="expiresInDays">Expires</label>
            <select id="expiresInDays" name="expiresInDays" defaultValue="90">
              <option value="7">in 7 days</option>
              <option value="30">in 30 days</option>
              <option value="90">in 90 days</option>
              <option value="365">in a year</option>
              <option value="0">never</option>
            </select>
          </div>
          <button type="submit" className="secondary" disabled={disabled}>Create token</button>
          {error && <p role="alert">{error}</p>}
        </>
      )}
    </form>
  );
}

/** Copies `text` to the clipboard and says so (the page is served over HTTPS or from localhost, where it may). */
function CopyButton({ text }: { text: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
  }
  return (
    <>
      <button type="button" className="secondary" onClick={copy}>
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      {/* inside the notice's own live region (role="status"), which announces it */}
      <span className="muted">
        {state === "copied" ? " Copied to the clipboard." : state === "failed" ? " Could not copy: select the token and copy it yourself." : ""}
      </span>
    </>
  );
}

/** Connect the organisation's single sign-on identity: set the Connect intent, then sign in with the provider. */
export function ConnectOidcButton({ name }: { name: string }) {
  const { disabled, error, run } = useAction();
  async function click() {
    await run(async () => {
      const r = await send("POST", "/api/users/me/identities", { provider: "oidc" });
      if (!r.ok) return r.error;
      const { signIn } = await import("next-auth/react");
      await signIn("oidc", { callbackUrl: "/settings?connected=1" });
    });
  }
  return (
    <span>
      <button type="button" className="secondary" onClick={click} disabled={disabled}>
        Connect {name}
      </button>
      {error && <span role="alert"> {error}</span>}
    </span>
  );
}

/** Connect a directory account by its username and password. */
export function ConnectDirectoryForm() {
  const router = useRouter();
  const { disabled, error, run } = useAction();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    await run(async () => {
      const r = await send("POST", "/api/users/me/identities", {
        provider: "ldap",
        username: String(form.get("ldapUsername") ?? ""),
        password: String(form.get("ldapPassword") ?? ""),
      });
      if (!r.ok) return r.error;
      router.replace("/settings?connected=1");
      router.refresh();
    });
  }
  return (
    <form onSubmit={submit} aria-label="Connect a directory account" className="form-narrow">
      <div className="field">
        <label htmlFor="ldapUsername">Directory username</label>
        <input id="ldapUsername" name="ldapUsername" type="text" autoComplete="off" autoCapitalize="none" spellCheck={false} required />
      </div>
      <div className="field">
        <label htmlFor="ldapPassword">Directory password</label>
        <input id="ldapPassword" name="ldapPassword" type="password" autoComplete="off" required />
      </div>
      <button type="submit" className="secondary" disabled={disabled}>Connect directory account</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

/** Change the password: the current one, or none within 15 minutes of a magic-link sign-in. */
export function PasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const [saved, setSaved] = useState(false);
  const { disabled, error, run } = useAction();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formElement = e.currentTarget;
    const form = new FormData(formElement);
    const current = String(form.get("currentPassword") ?? "");
    setSaved(false);
    await run(async () => {
      const r = await send("POST", "/api/users/me/password", {
        ...(current ? { currentPassword: current } : {}),
        newPassword: String(form.get("newPassword") ?? ""),
      });
      if (!r.ok) return r.error;
      formElement.reset();
      setSaved(true);
    });
  }
  return (
    <form onSubmit={submit} aria-label="Password" className="form-narrow">
      <div className="field">
        <label htmlFor="currentPassword">Current password</label>
        <input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" aria-describedby="currentPasswordHint" />
        <p id="currentPasswordHint" className="muted">
          {hasPassword ? "Forgot it? " : ""}Signed in by an email link in the last 15 minutes? Leave this empty.
        </p>
      </div>
      <div className="field">
        <label htmlFor="newPassword">New password</label>
        <input id="newPassword" name="newPassword" type="password" autoComplete="new-password" minLength={10} maxLength={1024} required />
      </div>
      <div className="actions">
        <button type="submit" disabled={disabled}>{hasPassword ? "Change password" : "Set password"}</button>
        {saved && <span role="status">Saved. Your other sessions have ended.</span>}
        {error && <span role="alert">{error}</span>}
      </div>
    </form>
  );
}
