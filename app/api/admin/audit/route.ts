import { parseQuery, route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { listAudit } from "@/lib/people/audit";
import { pageQuerySchema } from "@/lib/wiki/schema";

/** GET /api/admin/audit?limit=&before=: changes of roles, blocks, groups, members, spaces and protection, newest first (admins). */
export const GET = route({ auth: true }, async ({ req, user }) => {
  assertAdmin(user);
  return listAudit(parseQuery(req, pageQuerySchema));
});
