import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { usernameKey } from "@/lib/auth/normal-forms";
import { AppError } from "@/lib/errors";

/** PATCH /api/admin/users/{username} */
export const adminUserUpdateSchema = z
  .object({ role: z.enum(["reader", "editor", "admin"]).optional(), blocked: z.boolean().optional() })
  .strict();

/** POST /api/admin/protect/{slug} */
export const protectSchema = z.object({ level: z.enum(["none", "editor", "admin"]) }).strict();

/**
 * Change someone's role or block them. Admins cannot demote or block themselves (the wiki keeps an admin). A block
 * also ends every session the person has (decision 0018): they are signed out everywhere.
 */
export async function updateUserAsAdmin(adminId: string, username: string, changes: z.infer<typeof adminUserUpdateSchema>) {
  const user = await db().user.findUnique({ where: { usernameKey: usernameKey(username) }, select: { id: true } });
  if (!user) throw new AppError("not_found", `There is no user called "${username}"`);
  if (user.id === adminId && ((changes.role && changes.role !== "admin") || changes.blocked)) {
    throw new AppError("conflict", "You cannot demote or block yourself");
  }
  return db().user.update({
    where: { id: user.id },
    data: { ...changes, ...(changes.blocked ? { sessionGeneration: { increment: 1 } } : {}) },
    select: { username: true, displayName: true, role: true, blocked: true },
  });
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

/** Set who may edit a page. */
export async function protectPage(title: string, level: "none" | "editor" | "admin") {
  const n = await db().page.updateMany({ where: { title }, data: { protection: level } });
  if (!n.count) throw new AppError("not_found", `There is no page called "${title}"`);
  return { title, protection: level };
}
