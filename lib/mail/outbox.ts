import "server-only";
import { db, Prisma, sqlPool } from "@/lib/db";
import { getSender } from "./transport";
import { getConfig } from "@/lib/config";
import type pg from "pg";

/**
 * A message to queue; written in the caller's transaction so it exists exactly when the change does. Mail about
 * a page names its recipient and the page: it is sent only if they may still read it then (decision 0029).
 */
export type OutgoingMail = { kind: string; to: string; subject: string; text: string; about?: { userId: string; pageTitle: string } };

/** How long a claimed message is reserved for the worker that claimed it before another may retry it. */
const CLAIM_SECONDS = 120;
/** After this many failed attempts a message is marked failed (an admin can retry it). */
export const MAX_ATTEMPTS = 8;

/** Subjects are one line: line breaks and other control characters become spaces. */
function oneLine(text: string, max = 250): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim();
  return [...line].length > max ? [...line].slice(0, max - 1).join("") + "…" : line;
}

/** Queue messages inside the transaction `tx`. */
export async function enqueueMail(tx: Prisma.TransactionClient, messages: OutgoingMail[]): Promise<void> {
  if (!messages.length) return;
  await tx.outboxMessage.createMany({
    data: messages.map((m) => ({ kind: m.kind, toAddress: m.to, subject: oneLine(m.subject), text: m.text, userId: m.about?.userId ?? null, pageTitle: m.about?.pageTitle ?? null })),
  });
}

/** Seconds to wait before attempt n+1: MAIL_RETRY_SECONDS (30 s), then twice that, and so on, capped at an hour. */
function backoffSeconds(attempts: number): number {
  return Math.min(3600, getConfig().MAIL_RETRY_SECONDS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Record that a message went out. The SMTP server has it: were the row left claimed, the message would be sent
 * again when the claim runs out, so the update is tried until it succeeds (the database may be failing over),
 * for most of the claim's length.
 */
async function markSent(id: number, held: pg.PoolClient | null): Promise<void> {
  const deadline = Date.now() + (CLAIM_SECONDS - 20) * 1000;
  let client = held;
  for (let attempt = 0; ; attempt++) {
    try {
      // on the connection taken before sending, in the tick the server's answer arrived: once PostgreSQL has the
      // statement it commits, even if this process dies the next moment (the window for a duplicate is that tick)
      await (client ?? sqlPool()).query("UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1", [id]);
      client?.release();
      return;
    } catch (e) {
      client?.release(true);
      client = null;
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, Math.min(500, 25 * 2 ** attempt)));
    }
  }
}

type Claimed = { id: number; to_address: string; subject: string; text: string; attempts: number; allowed: boolean };

/** What a message whose recipient may no longer read its page is marked with (never sent). */
export const WITHHELD = "Withheld: the recipient may no longer read this page";

/**
 * Claim up to `limit` due messages and send them. The claim is one statement: rows are picked with
 * FOR UPDATE SKIP LOCKED and their next attempt pushed CLAIM_SECONDS ahead before the claiming transaction
 * commits, so two workers (in one instance or several) never hold the same row. Returns what happened.
 */
export async function processOutbox(limit = 20): Promise<{ sent: number; failed: number }> {
  const claimed = await db().$queryRaw<Claimed[]>`
    UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${CLAIM_SECONDS})
    WHERE id IN (
      SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, to_address, subject, text, attempts,
      (page_title IS NULL OR user_id IS NULL OR vellum_may_read(user_id, page_title)) AS allowed`;
  let sent = 0;
  let failed = 0;
  const send = getSender();
  for (const m of claimed) {
    // checked as it is sent: access taken away since the change was queued takes the mail with it
    if (!m.allowed) {
      await db().$executeRaw`UPDATE outbox SET status = 'failed', last_error = ${WITHHELD} WHERE id = ${m.id}`;
      continue;
    }
    // a connection in hand before the message goes out, so the row is marked the moment the server has it
    const held = await sqlPool().connect().catch(() => null);
    try {
      await send({ id: m.id, to: m.to_address, subject: m.subject, text: m.text });
    } catch (e) {
      held?.release();
      failed++;
      const error = oneLine(e instanceof Error ? e.message : String(e), 500);
      const giveUp = m.attempts >= MAX_ATTEMPTS;
      await db().$executeRaw`
        UPDATE outbox SET last_error = ${error},
          status = ${giveUp ? "failed" : "pending"}::"OutboxStatus",
          next_attempt_at = now() + make_interval(secs => ${backoffSeconds(m.attempts)})
        WHERE id = ${m.id}`;
      continue;
    }
    await markSent(m.id, held);
    sent++;
  }
  return { sent, failed };
}

/** Put a failed message back in the queue, due now (the admin page's retry). */
export async function retryMail(id: number): Promise<boolean> {
  const n = await db().$executeRaw`
    UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE id = ${id} AND status = 'failed'`;
  return n > 0;
}

/** Counts by status and the latest messages, for the admin page. */
export async function outboxOverview(limit = 50) {
  const [counts, latest] = await Promise.all([
    db().outboxMessage.groupBy({ by: ["status"], _count: { _all: true } }),
    db().outboxMessage.findMany({
      orderBy: { id: "desc" },
      take: limit,
      select: { id: true, kind: true, toAddress: true, subject: true, status: true, attempts: true, lastError: true, createdAt: true, sentAt: true },
    }),
  ]);
  const byStatus = { pending: 0, sent: 0, failed: 0 };
  for (const c of counts) byStatus[c.status] = c._count._all;
  return { counts: byStatus, latest };
}
