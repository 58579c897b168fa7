import "server-only";
import { z } from "zod";
import { db, Prisma } from "@/lib/db";
import { inTransaction, type Tx } from "@/lib/db/transaction";
import { usernameKey } from "@/lib/auth/normal-forms";
import { AppError } from "@/lib/errors";
import { FILE_PREFIX } from "@/lib/markdown/render";
import { bumpBacklinks } from "@/lib/wiki/links";
import { audit } from "./audit";

// Spaces (decision 0029): a title prefix of whole segments with who may read and who may edit there. Which title
// a space covers is the database's one rule (`vellum_space_of`); here spaces are set and removed, and every page
// whose read space that changes is brought up to date in the same transaction: its row (so its own views, lists
// and shared caches are told, by the triggers every change of a page fires) and the pages linking to it (whose
// link colours change for someone).

/** The most principals a list may hold. */
const MAX_PRINCIPALS = 200;
const principal = z.string().regex(/^(?:group|user):[A-Za-z0-9_-]{3,32}$/, "a principal is group:<name> or user:<username>");

/** PUT /api/admin/spaces/{slug} */
export const spaceSchema = z
  .object({
    read: z.union([z.literal("everyone"), z.array(principal).max(MAX_PRINCIPALS)]),
    edit: z.union([z.literal("editors"), z.array(principal).max(MAX_PRINCIPALS)]),
  })
  .strict();

type Actor = { id: string; username: string };
export type SpaceView = { prefix: string; read: "everyone" | string[]; edit: "editors" | string[] };

/** The keys a list is stored as (`group:<name key>`, `user:<username key>`), each checked to name a group or person (400). */
async function principalKeys(list: string[]): Promise<string[]> {
  const keys = [...new Set(list.map((p) => { const [kind, name] = p.split(":") as [string, string]; return `${kind}:${usernameKey(name)}`; }))];
  const groups = keys.filter((k) => k.startsWith("group:")).map((k) => k.slice(6));
  const users = keys.filter((k) => k.startsWith("user:")).map((k) => k.slice(5));
  const [foundGroups, foundUsers] = await Promise.all([
    groups.length ? db().group.findMany({ where: { nameKey: { in: groups } }, select: { nameKey: true } }) : [],
    users.length ? db().user.findMany({ where: { usernameKey: { in: users } }, select: { usernameKey: true } }) : [],
  ]);
  const known = new Set([...foundGroups.map((g) => `group:${g.nameKey}`), ...foundUsers.map((u) => `user:${u.usernameKey}`)]);
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length) throw new AppError("bad_request", `No such group or person: ${unknown.join(", ")}`);
  return keys.sort();
}

type SpaceRow = { prefix: string; readAll: boolean; read: string[]; editAll: boolean; edit: string[] };

/** Spaces as the contract shows them: "everyone" and "editors", or lists of each group's and person's own spelling. */
async function spaceViews(where: Prisma.Sql): Promise<SpaceView[]> {
  const rows = await db().$queryRaw<SpaceRow[]>`
    SELECT prefix, read_all AS "readAll", edit_all AS "editAll",
           ARRAY(SELECT vellum_principal_name(p) FROM unnest(read) AS p) AS read,
           ARRAY(SELECT vellum_principal_name(p) FROM unnest(edit) AS p) AS edit
    FROM spaces WHERE ${where} ORDER BY prefix LIMIT 1000`;
  return rows.map((r) => ({ prefix: r.prefix, read: r.readAll ? "everyone" : r.read, edit: r.editAll ? "editors" : r.edit }));
}

/**
 * After `prefix` was set or removed: pages whose read space is not what the spaces say now get it; they and every
 * page the prefix covers get a new view version (who may read or edit them may have changed, and what they offer
 * with it); the pages linking to a page whose read space changed get one too (its link's colour). Rows in id
 * order, as every bump takes them.
 */
async function refreshReadSpaces(tx: Tx, prefix: string): Promise<void> {
  const changed = await tx.$queryRaw<{ title: string | null; moved: boolean }[]>`
    WITH c AS (
      SELECT id, read_space AS was, vellum_read_space(coalesce(title, deleted_title)) AS s FROM pages
      WHERE read_space IS DISTINCT FROM vellum_read_space(coalesce(title, deleted_title)) OR vellum_covers(${prefix}, coalesce(title, deleted_title))
      ORDER BY id FOR NO KEY UPDATE
    )
    UPDATE pages p SET read_space = c.s, view_version = p.view_version + 1 FROM c WHERE p.id = c.id
    RETURNING p.title, c.was IS DISTINCT FROM c.s AS moved`;
  await bumpBacklinks(tx, changed.flatMap((r) => (r.title && r.moved ? [r.title] : [])));
}

/** A space's prefix from its title: any title but a File: one (a space covers its files already). */
function assertSpacePrefix(prefix: string) {
  if (prefix.startsWith(FILE_PREFIX)) throw new AppError("bad_request", "A space is a prefix of page titles; its files (File:<prefix>/...) are covered by it");
}

/** Make `prefix` a space, or change who may read and edit there. */
export async function setSpace(actor: Actor, prefix: string, body: z.infer<typeof spaceSchema>): Promise<SpaceView> {
  assertSpacePrefix(prefix);
  const read = body.read === "everyone" ? null : await principalKeys(body.read);
  const edit = body.edit === "editors" ? null : await principalKeys(body.edit);
  const data = { readAll: read === null, read: read ?? [], editAll: edit === null, edit: edit ?? [] };
  await inTransaction(async (tx) => {
    await tx.space.upsert({ where: { prefix }, create: { prefix, ...data }, update: data });
    await refreshReadSpaces(tx, prefix);
    await audit(tx, actor, "space.set", prefix, { read: body.read, edit: body.edit });
  });
  return (await spaceViews(Prisma.sql`prefix = ${prefix}`))[0]!;
}

/** Make `prefix` an ordinary prefix again (404 when it is no space). */
export async function deleteSpace(actor: Actor, prefix: string) {
  await inTransaction(async (tx) => {
    const n = await tx.space.deleteMany({ where: { prefix } });
    if (!n.count) throw new AppError("not_found", `“${prefix}” is not a space`);
    await refreshReadSpaces(tx, prefix);
    await audit(tx, actor, "space.delete", prefix);
  });
  return { deleted: true, prefix };
}

/** Every space, by prefix (the first 1,000). */
export async function listSpaces(): Promise<{ spaces: SpaceView[] }> {
  return { spaces: await spaceViews(Prisma.sql`true`) };
}
