import type { OutgoingMail } from "./outbox";

/** What a change email says; lib/wiki hands it over (mail knows nothing of pages). */
export type ChangeNotice = {
  title: string;
  author: string;
  summary: string;
  revisionNumber: number;
  /** Changed lines, already shortened: "+ added", "- removed". */
  diffExcerpt: string[];
  pageUrl: string;
  diffUrl: string;
  /** What happened: the page was created, edited, reverted, moved, deleted or restored, or a file uploaded to it. */
  kind: "create" | "edit" | "revert" | "move" | "delete" | "restore" | "upload";
};

const VERBS: Record<ChangeNotice["kind"], string> = {
  create: "created",
  edit: "changed",
  revert: "reverted",
  move: "moved",
  delete: "deleted",
  restore: "restored",
  upload: "uploaded",
};

/** Who gets a change email, and why (the email says so, and how to stop it). */
export type ChangeRecipient = { email: string; reason: "admin" | "watch" };

/** One change email per recipient. */
export function changeEmails(recipients: ChangeRecipient[], notice: ChangeNotice): OutgoingMail[] {
  const verb = VERBS[notice.kind];
  const subject = `[Vellum] ${notice.title} ${verb} by ${notice.author}`;
  const text = [
    `${notice.author} ${verb} "${notice.title}" (revision ${notice.revisionNumber}).`,
    "",
    `Summary: ${notice.summary || "(none)"}`,
    "",
    ...(notice.diffExcerpt.length ? ["Changes:", ...notice.diffExcerpt, ""] : []),
    `See the changes: ${notice.diffUrl}`,
    `Read the page:   ${notice.pageUrl}`,
    "",
  ].join("\n");
  const why = {
    admin: "You receive this because you are an administrator of this wiki.",
    watch: "You receive this because you watch this page. Unwatch it from its History tab, or choose a daily digest in Settings.",
  };
  return recipients.map((r) => ({ kind: "change", to: r.email, subject, text: `${text}\n${why[r.reason]}` }));
}

/** What a new-comment email says. */
export type CommentNotice = { title: string; author: string | null; excerpt: string; talkUrl: string };

/** One email per watcher of the page about a new comment on its talk page. */
export function commentEmails(recipients: string[], notice: CommentNotice): OutgoingMail[] {
  const who = notice.author ?? "An anonymous person";
  const subject = `[Vellum] ${who} commented on ${notice.title}`;
  const text = [
    `${who} wrote on the talk page of "${notice.title}":`,
    "",
    notice.excerpt,
    "",
    `Read the discussion: ${notice.talkUrl}`,
    "",
    "You receive this because you watch this page. Unwatch it from its History tab, or choose a daily digest in Settings.",
  ].join("\n");
  return recipients.map((to) => ({ kind: "comment", to, subject, text }));
}
