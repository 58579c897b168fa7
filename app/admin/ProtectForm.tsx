"use client";

import { useState } from "react";
import { encodeSlug } from "@/lib/wiki/titles";
import { sendJson } from "@/app/_components/send-json";
import { useAction } from "@/app/_components/useAction";

/** Set a page's protection by title. */
export function ProtectForm() {
  const [done, setDone] = useState<string | null>(null);
  const { disabled, error, run } = useAction();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const title = String(form.get("title") ?? "");
    setDone(null);
    await run(async () => {
      let url: string;
      try {
        url = `/api/admin/protect/${encodeSlug(title.trim().replace(/\s+/g, " "))}`;
      } catch {
        return "That is not a valid title.";
      }
      const r = await sendJson<{ protection: string }>("POST", url, { level: String(form.get("level")) });
      if (!r.ok) return r.message ?? "That did not work.";
      setDone(`Protection set to ${r.data?.protection}.`);
    });
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
      <button type="submit" disabled={disabled}>Set protection</button>
      {done && <p role="status">{done}</p>}
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
