import { route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { adminUserUpdateSchema, updateUserAsAdmin } from "@/lib/people/admin";

/** PATCH /api/admin/users/{username} {role?, blocked?} (admins). */
export const PATCH = route({ auth: true, body: adminUserUpdateSchema }, async ({ user, params, body }) => {
  assertAdmin(user);
  return { user: await updateUserAsAdmin(user, String(params.username), body) };
});
