import "server-only";
import type { Prisma } from "@/lib/db";
import { db } from "@/lib/db";

// The audit log (decision 0029): every change of roles, blocks, groups, members, spaces and protection, written in
// the transaction of the change it records, so there is no change without its entry and no entry without its
// change. Read by administrators, newest first.

type Tx = Prisma.TransactionClient;

/** What was done: one of these words, so the log can be read and filtered by it. */
export type AuditAction =
  | "role" | "block" | "unblock" | "email"
  | "group.create" | "group.delete" | "member.add" | "member.remove"
  | "space.set" | "space.delete" | "protect";

/** Record that `actor` did `action` to `target` (a username, group, space prefix or title), in the change's transaction. */
export async function audit(tx: Tx, actor: { username: string }, action: AuditAction, target: string, detail: Record<string, unknown> = {}): Promise<void> {
  await tx.auditEntry.create({ data: { actor: actor.username, action, target, detail: detail as Prisma.InputJsonValue } });
}

/** Entries newest first, `limit` at a time; `before` is the id of the last entry shown. */
export async function listAudit({ limit, before }: { limit: number; before?: number }) {
  const rows = await db().auditEntry.findMany({
    where: before ? { id: { lt: before } } : {},
    orderBy: { id: "desc" },
    take: limit + 1,
    select: { id: true, at: true, actor: true, action: true, target: true, detail: true },
  });
  const entries = rows.slice(0, limit).map((r) => ({ id: r.id, at: r.at.toISOString(), actor: r.actor, action: r.action, target: r.target, detail: r.detail }));
  return { entries, next: rows.length > limit ? String(entries.at(-1)!.id) : null };
}
