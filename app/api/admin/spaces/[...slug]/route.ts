import { route, titleFromRequest } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { deleteSpace, setSpace, spaceSchema } from "@/lib/people/spaces";

const PREFIX = "/api/admin/spaces/";

/** PUT /api/admin/spaces/{slug} {read, edit}: make the title a space or change its lists (admins). */
export const PUT = route({ auth: true, body: spaceSchema }, async ({ req, user, body }) => {
  assertAdmin(user);
  return setSpace(user, titleFromRequest(req, PREFIX), body);
});

/** DELETE /api/admin/spaces/{slug}: the prefix is ordinary again (admins). */
export const DELETE = route({ auth: true }, async ({ req, user }) => {
  assertAdmin(user);
  return deleteSpace(user, titleFromRequest(req, PREFIX));
});
