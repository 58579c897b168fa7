"use client";

import type { FormEvent } from "react";
import { sendJson } from "@/app/_components/send-json";
import { FormError, useAction } from "@/app/_components/useAction";
import { MAX_COMMENT_CHARS } from "@/lib/talk/limits";

/** The comment box of a talk page: posts, then reloads so the new comment shows (at once, on every instance). */
export function TalkForm({ slugPath }: { slugPath: string }) {
  const { disabled, error, run } = useAction();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const content = String(new FormData(e.currentTarget).get("content") ?? "");
    await run(async () => {
      const r = await sendJson("POST", `/api/talk/${slugPath}`, { content });
      if (r.ok) return window.location.reload();
      return r.message ?? "Your comment could not be posted; try again.";
    });
  }
  return (
    <form onSubmit={submit} aria-label="New comment">
      <div className="field">
        <label htmlFor="comment-content">Your comment (Markdown)</label>
        <textarea id="comment-content" name="content" rows={5} required maxLength={MAX_COMMENT_CHARS} />
      </div>
      <FormError error={error} />
      <div className="actions">
        <button type="submit" disabled={disabled}>
          Post comment
        </button>
      </div>
    </form>
  );
}
