import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { normalizeEmail, usernameKey } from "@/lib/auth/normal-forms";
import { isUniqueViolation } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { inTransaction } from "@/lib/db/transaction";
import { audit } from "./audit";

/** PATCH /api/admin/users/{username} */
export const adminUserUpdateSchema = z
  .object({
    role: z.enum(["reader", "editor", "admin"]).optional(),
    blocked: z.boolean().optional(),
    /** A new address (e.g. for an author imported from another wiki, who has none): they can then sign in by a link mailed to it. */
    email: z.string().max(320).transform((v, ctx) => normalizeEmail(v) ?? (ctx.addIssue({ code: "custom", message: "not an email address" }), z.NEVER)).optional(),
  })
  .strict();

/** POST /api/admin/protect/{slug} */
export const protectSchema = z.object({ level: z.enum(["none", "editor", "admin"]) }).strict();

/**
 * Change someone's role, block them, or give them an email address (imported authors have none). Admins cannot demote or block themselves (the wiki keeps an admin). A block
 * also ends every session the person has (decision 0018): they are signed out everywhere.
 */
export async function updateUserAsAdmin(admin: { id: string; username: string }, username: string, changes: z.infer<typeof adminUserUpdateSchema>) {
  const user = await db().user.findUnique({ where: { usernameKey: usernameKey(username) }, select: { id: true, role: true, blocked: true } });
  if (!user) throw new AppError("not_found", `There is no user called "${username}"`);
  if (user.id === admin.id && ((changes.role && changes.role !== "admin") || changes.blocked)) {
    throw new AppError("conflict", "You cannot demote or block yourself");
  }
  const { email, ...rest } = changes;
  try {
    return await inTransaction(async (tx) => {
      const updated = await tx.user.update({
        where: { id: user.id },
        data: {
          ...rest,
          ...(changes.blocked ? { sessionGeneration: { increment: 1 } } : {}),
          // a new address is unverified until its owner follows a link mailed to it
          ...(email ? { email, emailVerified: null } : {}),
        },
        select: { username: true, displayName: true, role: true, blocked: true },
      });
      // every change an administrator makes to a person is in the audit log (decision 0029)
      if (changes.role && changes.role !== user.role) await audit(tx, admin, "role", updated.username, { from: user.role, to: changes.role });
      if (changes.blocked !== undefined && changes.blocked !== user.blocked) await audit(tx, admin, changes.blocked ? "block" : "unblock", updated.username);
      if (email) await audit(tx, admin, "email", updated.username);
      return updated;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "Another account has that email address");
    throw e;
  }
}

/** Everyone, for the admin page: alphabetical, `limit` (200) at a time, continuing after the username `after`. */
export async function listPeople({ after, limit = 200 }: { after?: string; limit?: number } = {}) {
  const rows = await db().user.findMany({
    where: after ? { usernameKey: { gt: usernameKey(after) } } : {},
    orderBy: { usernameKey: "asc" },
    take: limit + 1,
    select: { username: true, displayName: true, email: true, emailVerified: true, role: true, blocked: true, createdAt: true },
  });
  return { people: rows.slice(0, limit), next: rows.length > limit ? rows[limit - 1]!.username : null };
}

/** Set who may edit a page (recorded in the audit log). */
export async function protectPage(admin: { username: string }, title: string, level: "none" | "editor" | "admin") {
  await inTransaction(async (tx) => {
    const before = await tx.page.findUnique({ where: { title }, select: { protection: true } });
    const n = await tx.page.updateMany({ where: { title }, data: { protection: level, viewVersion: { increment: 1 } } });
    if (!n.count) throw new AppError("not_found", `There is no page called "${title}"`);
    await audit(tx, admin, "protect", title, { from: before?.protection ?? "none", to: level });
  });
  return { title, protection: level };
}
