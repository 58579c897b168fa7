"use client";

import { useState } from "react";
import { encodeSlug } from "@/lib/wiki/titles";
import { sendJson } from "@/app/_components/send-json";

/** Set a page's protection by title. */
export function ProtectForm() {
  const [status, setStatus] = useState<string | null>(null);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const title = String(form.get("title") ?? "");
    let url: string;
    try {
      url = `/api/admin/protect/${encodeSlug(title.trim().replace(/\s+/g, " "))}`;
    } catch {
      setStatus("That is not a valid title.");
      return;
    }
    const r = await sendJson<{ protection: string }>("POST", url, { level: String(form.get("level")) });
    setStatus(r.ok ? `Protection set to ${r.data?.protection}.` : (r.message ?? "That did not work."));
  }
  return (
    <form onSubmit={submit} aria-label="Protect a page" className="form-narrow">
      <div className="field">
        <label htmlFor="protect-title">Page title</label>
        <input id="protect-title" name="title" type="text" required />
      </div>
      <div className="field">
        <label htmlFor="protect-level">Who may edit it</label>
        <select id="protect-level" name="level" defaultValue="admin">
          <option value="none">anyone who may edit (no protection)</option>
          <option value="editor">editors with a verified address, and administrators (semi-protection)</option>
          <option value="admin">administrators only</option>
        </select>
      </div>
      <button type="submit">Set protection</button>
      {status && <p role="status">{status}</p>}
    </form>
  );
}
