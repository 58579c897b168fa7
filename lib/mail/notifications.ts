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
  reverted: boolean;
};

/** One change email per recipient address. */
export function changeEmails(recipients: string[], notice: ChangeNotice): OutgoingMail[] {
  const verb = notice.reverted ? "reverted" : "changed";
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
    "You receive this because you are an administrator of this wiki.",
  ].join("\n");
  return recipients.map((to) => ({ kind: "change", to, subject, text }));
}
