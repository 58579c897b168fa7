import { escapeHtml } from "@/lib/markdown/render";
import { pagePaths } from "@/lib/wiki/titles";

export type Tab = "read" | "edit" | "history" | "blame" | "talk";

/** The tabs (Read / Edit / History / Blame / Discussion, with its comment count when known) of a page, as HTML. */
export function tabsHtml(title: string, current: Tab, comments?: number): string {
  const tab = (id: Tab, href: string, label: string) =>
    `<a href="${escapeHtml(href)}"${id === current ? ' aria-current="page"' : ""}>${label}</a>`;
  return (
    `<nav class="tabs" aria-label="Page">` +
    tab("read", pagePaths.view(title), "Read") +
    tab("edit", pagePaths.edit(title), "Edit") +
    tab("history", pagePaths.history(title), "History") +
    tab("blame", pagePaths.blame(title), "Blame") +
    tab("talk", pagePaths.talk(title), comments ? `Discussion (${comments})` : "Discussion") +
    `</nav>`
  );
}
