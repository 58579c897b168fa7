import "server-only";
import { siteBase } from "@/lib/http/site";
import type { Tx } from "@/lib/db/transaction";
import { enqueueMail, type OutgoingMail } from "@/lib/mail/outbox";
import { changeEmails } from "@/lib/mail/notifications";
import { diffText } from "./diff";
import { pagePaths } from "./titles";
import type { RevisionKind } from "./revisions";

const EXCERPT_LINES = 20;
const EXCERPT_LINE_CHARS = 200;

/** The changed lines of an edit, "+ "/"- " prefixed, at most EXCERPT_LINES of them. */
export function diffExcerpt(before: string, after: string): string[] {
  const lines: string[] = [];
  for (const change of diffText(before, after).changes) {
    if (change.op === "equal") continue;
    for (const line of change.text.replace(/\n$/, "").split("\n")) {
      const shown = [...line].length > EXCERPT_LINE_CHARS ? [...line].slice(0, EXCERPT_LINE_CHARS).join("") + "…" : line;
      lines.push(`${change.op === "insert" ? "+" : "-"} ${shown}`);
    }
  }
  return lines.length > EXCERPT_LINES ? [...lines.slice(0, EXCERPT_LINES), `(${lines.length - EXCERPT_LINES} more changed lines)`] : lines;
}

/** Someone who hears about a page now (an email) and why: they watch it, or they are an admin. */
export type PageRecipient = { email: string; reason: "watch" | "admin" };

/**
 * The one rule for who hears about something that happened to a page, and how, in that change's transaction:
 * everyone watching the page (and, with `admins`, every admin), whose address is verified, except `exclude` (the
 * person who did it) and anyone who may not read the page, each as they chose: every change (the emails
 * `emails` makes, queued in the outbox now), a daily digest (`digestLine` waits in their digest), or none. Each
 * message and digest line names its page and recipient, and is checked again when it is sent (decision 0029).
 * Returns how many people were told.
 */
export async function notifyPageAudience(
  tx: Tx,
  about: {
    page: { id?: number; title: string };
    exclude: string | null;
    admins: boolean;
    emails: (now: PageRecipient[]) => OutgoingMail[];
    digestLine: string;
  },
): Promise<number> {
  const watching = about.page.id !== undefined ? { pageId: about.page.id } : { page: { title: about.page.title } };
  const found = await tx.user.findMany({
    where: {
      ...(about.exclude ? { id: { not: about.exclude } } : {}),
      notify: { not: "none" },
      // only addresses whose owner proved they read them (lib/auth/verification.ts)
      emailVerified: { not: null },
      OR: [{ watches: { some: watching } }, ...(about.admins ? [{ role: "admin" as const }] : [])],
    },
    select: { id: true, email: true, notify: true, watches: { where: watching, select: { pageId: true } } },
  });
  const title = about.page.title;
  const readers = found.length
    ? new Set((await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM unnest(${found.map((p) => p.id)}::text[]) AS u(id) WHERE vellum_may_read(id, ${title})`).map((r) => r.id))
    : new Set<string>();
  const people = found.filter((p) => readers.has(p.id));
  const now = people.filter((p) => p.notify === "each");
  if (now.length) {
    const idOf = new Map(now.map((p) => [p.email, p.id]));
    const mails = about.emails(now.map((p) => ({ email: p.email, reason: p.watches.length ? "watch" : "admin" })));
    await enqueueMail(tx, mails.map((m) => ({ ...m, about: { userId: idOf.get(m.to)!, pageTitle: title } })));
  }
  const later = people.filter((p) => p.notify === "digest");
  if (later.length) await tx.digestEntry.createMany({ data: later.map((p) => ({ userId: p.id, text: about.digestLine, pageTitle: title })) });
  return people.length;
}

/**
 * Queue the change emails of a save, revert, move, delete or restore, in its transaction: to every admin and
 * everyone watching the page (notifyPageAudience), with the title, author, summary, a short diff and links.
 */
export async function queueChangeMail(
  tx: Tx,
  change: {
    pageId: number;
    title: string;
    author: { id: string; username: string };
    summary: string;
    revision: { id: number; number: number };
    parentRevisionId: number | null;
    before: string;
    after: string;
    kind: RevisionKind;
  },
): Promise<number> {
  const base = siteBase();
  const diffPath =
    change.kind === "delete"
      ? pagePaths.view(change.title)
      : change.parentRevisionId
        ? `/diff?from=${change.parentRevisionId}&to=${change.revision.id}`
        : `/revision/${change.revision.id}`;
  const notice = {
    title: change.title,
    author: change.author.username,
    summary: change.summary,
    revisionNumber: change.revision.number,
    diffExcerpt: diffExcerpt(change.before, change.after),
    pageUrl: base + pagePaths.view(change.title),
    diffUrl: base + diffPath,
    kind: change.kind,
  };
  return notifyPageAudience(tx, {
    page: { id: change.pageId, title: change.title },
    exclude: change.author.id,
    admins: true,
    emails: (now) => changeEmails(now, notice),
    digestLine:
      `${notice.title}: revision ${notice.revisionNumber} by ${notice.author}` +
      `${notice.summary ? ` (“${notice.summary}”)` : ""} ${notice.diffUrl}`,
  });
}
