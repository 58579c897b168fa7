import { route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { deleteGroup } from "@/lib/people/groups";

/** DELETE /api/admin/groups/{name}: remove a group; spaces stop naming it (admins). */
export const DELETE = route({ auth: true }, async ({ user, params }) => {
  assertAdmin(user);
  return deleteGroup(user, String(params.name));
});
