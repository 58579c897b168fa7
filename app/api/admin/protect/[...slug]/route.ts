import { route, titleFromRequest } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { protectPage, protectSchema } from "@/lib/people/admin";

/** POST /api/admin/protect/{slug} {level: "none" | "editor" | "admin"} (admins). */
export const POST = route({ auth: true, body: protectSchema }, async ({ req, user, body }) => {
  assertAdmin(user);
  return protectPage(user, titleFromRequest(req, "/api/admin/protect/"), body.level);
});
