import "server-only";
import { visiblePageWhere, type Access } from "@/lib/auth/access";
import { z } from "zod";
import { db, fromCurrentReplica } from "@/lib/db";
import { usernameKey } from "@/lib/auth/normal-forms";
import { AppError } from "@/lib/errors";
import { renderBounded } from "@/lib/markdown/render-pool";
import { MAX_NESTING, nestingDepth } from "@/lib/markdown/render";
import { cached, pageCacheKey } from "@/lib/cache/page-cache";
import { revisionInfoSelect, toRevisionInfo } from "@/lib/wiki/revisions";
import { slugOf } from "@/lib/wiki/titles";

export const MAX_BIO_BYTES = 64 * 1024;

/** PATCH /api/users/me: only these fields; role, blocked and the rest are not yours to set (400). */
export const profileUpdateSchema = z
  .object({
    displayName: z
      .string()
      .transform((s) => s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").replace(/\s+/g, " ").trim())
      .pipe(z.string().min(1).max(64))
      .optional(),
    bio: z
      .string()
      .refine((s) => Buffer.byteLength(s) <= MAX_BIO_BYTES, "at most 64 KiB")
      .refine((s) => nestingDepth(s) <= MAX_NESTING, `block quotes and lists may nest at most ${MAX_NESTING} deep`)
      .optional(),
    notify: z.enum(["each", "digest", "none"]).optional(),
  })
  .strict();

/**
 * A public profile. The rendered bio is cached under the profile's last-change time, so an edit is visible at
 * once on every instance (the key changes) without any invalidation.
 */
export async function getProfileOrThrow(username: string, access: Access) {
  const user = await db().user.findUnique({
    where: { usernameKey: usernameKey(username) },
    select: { id: true, username: true, displayName: true, bio: true, role: true, blocked: true, createdAt: true, updatedAt: true },
  });
  if (!user) throw new AppError("not_found", `There is no user called "${username}"`);
  const [bioHtml, editCount] = await Promise.all([
    cached(pageCacheKey(["profile", user.id, user.updatedAt.getTime()]), async () => (await renderBounded(user.bio)).rendered.html),
    db().revision.count({ where: { authorId: user.id, page: visiblePageWhere(access) } }),
  ]);
  return {
    username: user.username,
    displayName: user.displayName,
    bio: user.bio,
    bioHtml,
    role: user.role,
    blocked: user.blocked,
    joinedAt: user.createdAt.toISOString(),
    editCount,
  };
}

/** Change your own profile and settings. */
export async function updateProfile(userId: string, changes: z.infer<typeof profileUpdateSchema>, access: Access) {
  const user = await db().user.update({ where: { id: userId }, data: changes, select: { username: true } });
  return getProfileOrThrow(user.username, access);
}

/** A person's revisions, newest first, `limit` at a time (`before`: a revision id). */
export async function listContributions(username: string, { limit, before }: { limit: number; before?: number }, access: Access) {
  const user = await db().user.findUnique({ where: { usernameKey: usernameKey(username) }, select: { id: true } });
  if (!user) throw new AppError("not_found", `There is no user called "${username}"`);
  // a list: from the standby when it has everything already written (decision 0026)
  const rows = await fromCurrentReplica(({ db: client }) => client.revision.findMany({
    // a deleted page (no title) is out of every list until it is restored
    where: { authorId: user.id, page: { title: { not: null }, ...visiblePageWhere(access) }, ...(before ? { id: { lt: before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: { ...revisionInfoSelect, parentId: true, parent: { select: { size: true } }, page: { select: { title: true } } },
  }));
  const revisions = rows.slice(0, limit).map((r) => ({
    ...toRevisionInfo(r),
    sizeDelta: r.size - (r.parent?.size ?? 0),
    parentId: r.parentId,
    page: { title: r.page.title!, slug: slugOf(r.page.title!) },
  }));
  return { revisions, next: rows.length > limit ? String(revisions.at(-1)!.id) : null };
}

/** Your own mail settings: how you hear about changes, and whether your address is verified. */
export async function getMailSettings(userId: string) {
  const me = await db().user.findUniqueOrThrow({ where: { id: userId }, select: { notify: true, email: true, emailVerified: true } });
  return { notify: me.notify, email: me.email, verified: me.emailVerified !== null };
}
