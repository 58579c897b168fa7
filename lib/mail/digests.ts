import "server-only";
import { db } from "@/lib/db";
import { enqueueMail } from "./outbox";
import { inTransaction } from "@/lib/db/transaction";

/** A digest goes out once the oldest change waiting in it is this old. */
export const DIGEST_HOURS = 24;

/**
 * Turn each person's waiting digest entries into one email, once the oldest is DIGEST_HOURS old. The entries are
 * locked (SKIP LOCKED), queued as one outbox message and deleted in one transaction: every change lands in exactly
 * one digest, even with several workers.
 */
export async function queueDueDigests(maxPeople = 50): Promise<number> {
  const due = await db().$queryRaw<{ user_id: string }[]>`
    SELECT user_id FROM digest_entries GROUP BY user_id
    HAVING min(created_at) <= now() - make_interval(hours => ${DIGEST_HOURS}) LIMIT ${maxPeople}`;
  let queued = 0;
  for (const { user_id } of due) {
    queued += await inTransaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: number; text: string; allowed: boolean }[]>`
        SELECT id, text, (page_title IS NULL OR vellum_may_read(user_id, page_title)) AS allowed
        FROM digest_entries WHERE user_id = ${user_id} ORDER BY id FOR UPDATE SKIP LOCKED`;
      if (!locked.length) return 0;
      // pages the person may no longer read are left out (decision 0029)
      const entries = locked.filter((e) => e.allowed);
      const user = await tx.user.findUnique({ where: { id: user_id }, select: { email: true, notify: true, emailVerified: true } });
      const wanted = user?.notify === "digest" && user.emailVerified !== null && entries.length > 0; // never to an unverified address
      if (wanted) {
        await enqueueMail(tx, [
          {
            kind: "digest",
            to: user.email,
            subject: `[Vellum] ${entries.length} change${entries.length === 1 ? "" : "s"} to pages you follow`,
            text: ["Changes since your last digest:", "", ...entries.map((e) => `- ${e.text}`), "",
              "Change how you hear about changes in your settings."].join("\n"),
          },
        ]);
      }
      await tx.digestEntry.deleteMany({ where: { id: { in: locked.map((e) => e.id) } } });
      return wanted ? 1 : 0;
    });
  }
  return queued;
}
