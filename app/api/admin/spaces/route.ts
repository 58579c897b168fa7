import { route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { listSpaces } from "@/lib/people/spaces";

/** GET /api/admin/spaces: every space with its read and edit lists (admins). */
export const GET = route({ auth: true }, async ({ user }) => {
  assertAdmin(user);
  return listSpaces();
});
