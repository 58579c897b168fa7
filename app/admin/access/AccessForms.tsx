"use client";

import { useState } from "react";
import { encodeSlug } from "@/lib/wiki/titles";
import { sendJson } from "@/app/_components/send-json";
import { useAction } from "@/app/_components/useAction";

// The forms of the access page (app/admin/access): a new group, a member added to a group, a space set. Each sends
// one JSON request (the API checks everything again) and reloads the page on success.

function useForm(send: (form: FormData) => Promise<string | null>) {
  const { disabled, error, run } = useAction();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    await run(async () => {
      const problem = await send(form);
      if (problem) return problem;
      window.location.reload();
    });
  }
  return { disabled, error, submit };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** Make a group. */
export function NewGroupForm() {
  const { disabled, error, submit } = useForm(async (form) => {
    const r = await sendJson("POST", "/api/admin/groups", { name: text(form, "name") });
    return r.ok ? null : (r.message ?? "That did not work.");
  });
  return (
    <form onSubmit={submit} aria-label="Create a group" className="form-inline">
      <label htmlFor="group-name">New group</label>
      <input id="group-name" name="name" type="text" required pattern="[A-Za-z0-9_\-]{3,32}" title="3-32 letters, digits, _ and -" autoComplete="off" />
      <button type="submit" disabled={disabled}>Create group</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

/** Add someone to group `group`. */
export function AddMemberForm({ group }: { group: string }) {
  const id = `member-${group}`;
  const { disabled, error, submit } = useForm(async (form) => {
    const url = `/api/admin/groups/${encodeURIComponent(group)}/members/${encodeURIComponent(text(form, "username"))}`;
    const r = await sendJson("PUT", url);
    return r.ok ? null : (r.message ?? "That did not work.");
  });
  return (
    <form onSubmit={submit} aria-label={`Add a member to ${group}`} className="form-inline">
      <label htmlFor={id}>Add a member</label>
      <input id={id} name="username" type="text" required autoComplete="off" placeholder="username" />
      <button type="submit" className="secondary" disabled={disabled}>Add</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

/** A list of principals as typed: comma- or space-separated `group:name` / `user:name`. */
function principals(raw: string): string[] {
  return raw.split(/[\s,]+/).filter(Boolean);
}

/** Make a prefix a space, or change who may read and edit there (`initial`: the space being changed). */
export function SpaceForm({ initial }: { initial?: { prefix: string; read: "everyone" | string[]; edit: "editors" | string[] } }) {
  const key = initial ? encodeSlug(initial.prefix) : "new";
  const [readAll, setReadAll] = useState(initial ? initial.read === "everyone" : false);
  const [editAll, setEditAll] = useState(initial ? initial.edit === "editors" : true);
  const { disabled, error, submit } = useForm(async (form) => {
    let url: string;
    try {
      url = `/api/admin/spaces/${encodeSlug((initial?.prefix ?? text(form, "prefix")).replace(/\s+/g, " "))}`;
    } catch {
      return "That is not a valid title prefix.";
    }
    const r = await sendJson("PUT", url, {
      read: readAll ? "everyone" : principals(text(form, "read")),
      edit: editAll ? "editors" : principals(text(form, "edit")),
    });
    return r.ok ? null : (r.message ?? "That did not work.");
  });
  const list = (v: "everyone" | "editors" | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : "");
  return (
    <form onSubmit={submit} aria-label={initial ? `Change the space ${initial.prefix}` : "New space"} className="form-narrow space-form">
      {!initial && (
        <div className="field">
          <label htmlFor="space-prefix">Title prefix</label>
          <input id="space-prefix" name="prefix" type="text" required autoComplete="off" aria-describedby="space-prefix-hint" />
          <p id="space-prefix-hint" className="hint">Whole segments: “Team” covers Team, Team/… and File:Team/…, never “Teamwork”.</p>
        </div>
      )}
      <fieldset>
        <legend>Who may read</legend>
        <label><input type="radio" name={`read-all-${key}`} checked={readAll} onChange={() => setReadAll(true)} /> Everyone</label>
        <label><input type="radio" name={`read-all-${key}`} checked={!readAll} onChange={() => setReadAll(false)} /> Only these (and administrators)</label>
        {!readAll && (
          <input name="read" type="text" aria-label="Readers" defaultValue={list(initial?.read)} placeholder="group:team, user:alice" required autoComplete="off" />
        )}
      </fieldset>
      <fieldset>
        <legend>Who may edit</legend>
        <label><input type="radio" name={`edit-all-${key}`} checked={editAll} onChange={() => setEditAll(true)} /> Every editor who may read</label>
        <label><input type="radio" name={`edit-all-${key}`} checked={!editAll} onChange={() => setEditAll(false)} /> Only these editors (and administrators)</label>
        {!editAll && (
          <input name="edit" type="text" aria-label="Editors" defaultValue={list(initial?.edit)} placeholder="group:team" required autoComplete="off" />
        )}
      </fieldset>
      <button type="submit" disabled={disabled}>{initial ? "Save" : "Create space"}</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
