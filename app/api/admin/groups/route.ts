import { json, route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { createGroup, groupCreateSchema, listGroups } from "@/lib/people/groups";

/** GET /api/admin/groups: every group with its members (admins). */
export const GET = route({ auth: true }, async ({ user }) => {
  assertAdmin(user);
  return listGroups();
});

/** POST /api/admin/groups {name}: make a group (admins) -> 201. */
export const POST = route({ auth: true, body: groupCreateSchema }, async ({ user, body }) => {
  assertAdmin(user);
  return json(await createGroup(user, body.name), { status: 201 });
});
