import "server-only";
import { z } from "zod";
import { db, isUniqueViolation } from "@/lib/db";
import { inTransaction } from "@/lib/db/transaction";
import { usernameKey } from "@/lib/auth/normal-forms";
import { usernameSchema } from "@/lib/auth/accounts";
import { AppError } from "@/lib/errors";
import { audit } from "./audit";

// Groups and their members (decision 0029). A group's name follows the username rules and is unique ignoring case;
// spaces name groups as `group:<name>`. Every change is one transaction with its audit entry; the database
// announces it to every instance (the access epoch and notice `a`: the private_spaces migration).

/** How many groups the list shows, and members per group: admin pages, bounded like every list. */
export const MAX_GROUPS_LISTED = 500;
export const MAX_MEMBERS_LISTED = 1000;

/** POST /api/admin/groups */
export const groupCreateSchema = z.object({ name: usernameSchema }).strict();

type Actor = { id: string; username: string };

async function groupOrThrow(name: string) {
  const group = await db().group.findUnique({ where: { nameKey: usernameKey(name) }, select: { id: true, name: true } });
  if (!group) throw new AppError("not_found", `There is no group called "${name}"`);
  return group;
}

async function userOrThrow(username: string) {
  const user = await db().user.findUnique({ where: { usernameKey: usernameKey(username) }, select: { id: true, username: true } });
  if (!user) throw new AppError("not_found", `There is no user called "${username}"`);
  return user;
}

/** Every group with its members' usernames, by name. */
export async function listGroups() {
  const groups = await db().group.findMany({
    orderBy: { nameKey: "asc" },
    take: MAX_GROUPS_LISTED,
    select: { name: true, members: { take: MAX_MEMBERS_LISTED, orderBy: { user: { usernameKey: "asc" } }, select: { user: { select: { username: true } } } } },
  });
  return { groups: groups.map((g) => ({ name: g.name, members: g.members.map((m) => m.user.username) })) };
}

/** Make a group (409 when one has that name, ignoring case). */
export async function createGroup(actor: Actor, name: string) {
  try {
    await inTransaction(async (tx) => {
      await tx.group.create({ data: { name, nameKey: usernameKey(name) } });
      await audit(tx, actor, "group.create", name);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", `There is already a group called "${name}"`);
    throw e;
  }
  return { name, members: [] as string[] };
}

/**
 * Remove a group: its members lose what it granted, and spaces stop naming it (a new group of the same name later
 * grants nothing by accident).
 */
export async function deleteGroup(actor: Actor, name: string) {
  const group = await groupOrThrow(name);
  const principal = `group:${usernameKey(group.name)}`;
  await inTransaction(async (tx) => {
    await tx.$executeRaw`UPDATE spaces SET read = array_remove(read, ${principal}), edit = array_remove(edit, ${principal})
      WHERE ${principal} = ANY(read) OR ${principal} = ANY(edit)`;
    // gone meanwhile (another administrator's delete): 404, as if it had been gone before
    const { count } = await tx.group.deleteMany({ where: { id: group.id } });
    if (!count) throw new AppError("not_found", `There is no group called "${name}"`);
    await audit(tx, actor, "group.delete", group.name);
  });
  return { deleted: true, name: group.name };
}

/** Add (`member` true) or remove someone from a group; idempotent. */
export async function setMembership(actor: Actor, name: string, username: string, member: boolean) {
  const [group, user] = await Promise.all([groupOrThrow(name), userOrThrow(username)]);
  await inTransaction(async (tx) => {
    const changed = member
      ? await tx.$executeRaw`INSERT INTO group_members (group_id, user_id) VALUES (${group.id}, ${user.id}) ON CONFLICT DO NOTHING`
      : await tx.$executeRaw`DELETE FROM group_members WHERE group_id = ${group.id} AND user_id = ${user.id}`;
    if (changed) await audit(tx, actor, member ? "member.add" : "member.remove", group.name, { username: user.username });
  });
  return { group: group.name, username: user.username, member };
}

/** The names of the groups a person is in (`GET /api/me`). */
export async function groupsOf(userId: string): Promise<string[]> {
  const rows = await db().groupMember.findMany({ where: { userId }, select: { group: { select: { name: true, nameKey: true } } }, take: MAX_GROUPS_LISTED });
  return rows.map((r) => r.group).sort((a, b) => (a.nameKey < b.nameKey ? -1 : 1)).map((g) => g.name);
}
