import { route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { setMembership } from "@/lib/people/groups";

/** PUT /api/admin/groups/{name}/members/{username}: add someone to a group (admins). */
export const PUT = route({ auth: true }, async ({ user, params }) => {
  assertAdmin(user);
  return setMembership(user, String(params.name), String(params.username), true);
});

/** DELETE /api/admin/groups/{name}/members/{username}: take someone out of a group (admins). */
export const DELETE = route({ auth: true }, async ({ user, params }) => {
  assertAdmin(user);
  return setMembership(user, String(params.name), String(params.username), false);
});
