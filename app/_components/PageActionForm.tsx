"use client";

import type { FormEvent } from "react";
import { sendJson } from "./send-json";
import { FormError, useAction } from "./useAction";

type Action = "move" | "delete" | "restore";

const SETUP: Record<Action, { method: "POST" | "DELETE"; api: string; submit: string; reasonLabel: string }> = {
  move: { method: "POST", api: "/api/move/", submit: "Move page", reasonLabel: "Reason (optional)" },
  delete: { method: "DELETE", api: "/api/pages/", submit: "Delete page", reasonLabel: "Reason (shown to readers)" },
  restore: { method: "POST", api: "/api/restore/", submit: "Restore page", reasonLabel: "Reason (optional)" },
};

/**
 * The form of a page action: move (new title, leave a redirect), delete (reason) or restore. Sends the JSON request
 * and, when it succeeds, opens the page where it now is (the deleted notice after a delete). Shows the server's
 * message when it fails (bad title, title taken, not allowed).
 */
export function PageActionForm({ action, title, slugPath }: { action: Action; title: string; slugPath: string }) {
  const setup = SETUP[action];
  const { disabled, error, run } = useAction();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const reason = String(form.get("reason") ?? "");
    const body =
      action === "move"
        ? { to: String(form.get("to") ?? ""), leaveRedirect: form.get("leaveRedirect") === "on", ...(reason ? { summary: reason } : {}) }
        : action === "delete"
          ? { ...(reason ? { reason } : {}) }
          : { ...(reason ? { summary: reason } : {}) };
    await run(async () => {
      const r = await sendJson<{ to: { slug: string } }>(setup.method, setup.api + slugPath, body);
      if (!r.ok) return r.message ?? "That did not work; try again.";
      // the page where it now is (after a delete: its deleted notice); the article view is not a React page
      const where = action === "move" && r.data?.to ? r.data.to.slug.split("/").map(encodeURIComponent).join("/") : slugPath;
      window.location.assign(new URL(`/wiki/${where}`, window.location.href));
    });
  }
  return (
    <form onSubmit={submit} aria-label={setup.submit} className="form-narrow">
      {action === "move" && (
        <>
          <div className="field">
            <label htmlFor="to">New title</label>
            <input id="to" name="to" type="text" required defaultValue={title} maxLength={400} />
          </div>
          <div className="field">
            <label className="inline">
              <input type="checkbox" name="leaveRedirect" defaultChecked /> Leave a redirect behind, so links to “{title}”
              keep working
            </label>
          </div>
        </>
      )}
      <div className="field">
        <label htmlFor="reason">{setup.reasonLabel}</label>
        <input id="reason" name="reason" type="text" maxLength={500} />
      </div>
      <FormError error={error} />
      <div className="actions">
        <button type="submit" disabled={disabled}>
          {setup.submit}
        </button>
      </div>
    </form>
  );
}
