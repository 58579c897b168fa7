import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { revisionInfoSelect, toRevisionInfo } from "./revisions";
import { slugOf } from "./titles";
import { mayReadSpace, visiblePageWhere, type Access } from "@/lib/auth/access";

async function pageIdOrThrow(title: string, access: Access): Promise<number> {
  const page = await db().page.findUnique({ where: { title }, select: { id: true, readSpace: true } });
  if (!page || !mayReadSpace(access, page.readSpace)) throw new AppError("not_found", `There is no page called "${title}"`);
  return page.id;
}

/** Is this person watching the page? */
export async function isWatching(userId: string, title: string, access: Access): Promise<boolean> {
  const pageId = await pageIdOrThrow(title, access);
  return (await db().watch.count({ where: { userId, pageId } })) > 0;
}

/** Watch (true) or stop watching (false); idempotent. */
export async function setWatch(userId: string, title: string, watching: boolean, access: Access): Promise<boolean> {
  const pageId = await pageIdOrThrow(title, access);
  if (watching) {
    await db().watch.upsert({ where: { userId_pageId: { userId, pageId } }, create: { userId, pageId }, update: {} });
  } else {
    await db().watch.deleteMany({ where: { userId, pageId } });
  }
  return watching;
}

/** Recent changes to the pages a person watches and may still read, newest first. */
export async function watchlistChanges(userId: string, access: Access, { limit = 50, before }: { limit?: number; before?: number } = {}) {
  const rows = await db().revision.findMany({
    // a deleted page (no title) is out of every list until it is restored
    where: { page: { watches: { some: { userId } }, title: { not: null }, ...visiblePageWhere(access) }, ...(before ? { id: { lt: before } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
    select: { ...revisionInfoSelect, parentId: true, page: { select: { title: true } } },
  });
  const changes = rows.slice(0, limit).map((r) => ({
    ...toRevisionInfo(r),
    parentId: r.parentId,
    page: { title: r.page.title!, slug: slugOf(r.page.title!) },
  }));
  return { changes, next: rows.length > limit ? String(changes.at(-1)!.id) : null };
}
