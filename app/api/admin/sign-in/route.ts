import { route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { signInStatus } from "@/lib/auth/sign-in-status";

/** GET /api/admin/sign-in: which ways in are on, whether the issuer and directory answer now, the last errors (admins). */
export const GET = route({ auth: true }, async ({ user }) => {
  assertAdmin(user);
  return signInStatus();
});
