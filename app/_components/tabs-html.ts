import { escapeHtml } from "@/lib/markdown/render";
import { pagePaths } from "@/lib/wiki/titles";
import { SLOTS } from "@/lib/cache/front-documents";
import { canEdit, readerActor, type Protection } from "@/lib/auth/permissions";

export type Tab = "read" | "edit" | "history" | "blame" | "talk";

/**
 * The Edit tab: offered to whom the permission rules let edit the page, and to signed-out readers (it asks them to
 * sign in); never to a signed-in person the server would refuse (a reader, someone blocked, a protected page).
 */
export type EditTab = "offer" | "none" | "slot";

/**
 * Is the Edit tab offered to this reader: to whom the permission rules let edit a page of this protection, and to
 * a signed-out reader (it asks them to sign in)?
 */
export function offersEdit(reader: { role: string; blocked?: boolean; verified?: boolean } | null, protection: Protection): boolean {
  return !reader || canEdit(readerActor(reader), protection);
}

const tab = (id: Tab, current: Tab, href: string, label: string) =>
  `<a href="${escapeHtml(href)}"${id === current ? ' aria-current="page"' : ""}>${label}</a>`;

/** The Edit tab's HTML (the article fills it into its `edit` slot per reader). */
export function editTabHtml(title: string, current: Tab): string {
  return tab("edit", current, pagePaths.edit(title), "Edit");
}

/**
 * The tabs (Read / Edit / History / Blame / Discussion, with its comment count when known) of a page, as HTML.
 * `edit`: the Edit tab, or none, or the slot a document filled in per reader leaves for it.
 */
export function tabsHtml(title: string, current: Tab, comments: number | undefined, edit: EditTab): string {
  return (
    `<nav class="tabs" aria-label="Page">` +
    tab("read", current, pagePaths.view(title), "Read") +
    (edit === "offer" ? editTabHtml(title, current) : edit === "slot" ? SLOTS.edit : "") +
    tab("history", current, pagePaths.history(title), "History") +
    tab("blame", current, pagePaths.blame(title), "Blame") +
    tab("talk", current, pagePaths.talk(title), comments ? `Discussion (${comments})` : "Discussion") +
    `</nav>`
  );
}
