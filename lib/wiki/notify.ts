import "server-only";
import { siteBase } from "@/lib/http/site";
import type { Prisma } from "@/lib/db";
import { enqueueMail } from "@/lib/mail/outbox";
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

/**
 * Queue the change emails of a save, revert, move, delete or restore, in its transaction: to every admin and everyone watching the page,
 * whose address is verified, except the author, each as they chose: every change (an email now), a daily digest (a digest entry), or none.
 */
export async function queueChangeMail(
  tx: Prisma.TransactionClient,
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
  const recipients = await tx.user.findMany({
    where: {
      id: { not: change.author.id },
      notify: { not: "none" },
      // only addresses whose owner proved they read them (lib/auth/verification.ts)
      emailVerified: { not: null },
      OR: [{ role: "admin" }, { watches: { some: { pageId: change.pageId } } }],
    },
    select: { id: true, email: true, notify: true, watches: { where: { pageId: change.pageId }, select: { pageId: true } } },
  });
  if (!recipients.length) return 0;
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
  const now = recipients.filter((r) => r.notify === "each");
  const later = recipients.filter((r) => r.notify === "digest");
  const reasons = now.map((r) => ({ email: r.email, reason: r.watches.length ? ("watch" as const) : ("admin" as const) }));
  await enqueueMail(tx, changeEmails(reasons, notice));
  if (later.length) {
    const line = `${notice.title}: revision ${notice.revisionNumber} by ${notice.author}` +
      `${notice.summary ? ` (“${notice.summary}”)` : ""} ${notice.diffUrl}`;
    await tx.digestEntry.createMany({ data: later.map((r) => ({ userId: r.id, text: line })) });
  }
  return recipients.length;
}
