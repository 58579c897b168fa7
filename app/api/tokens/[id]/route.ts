import { route } from "@/lib/http/route";
import { revokeToken } from "@/lib/auth/tokens";

/** DELETE /api/tokens/{id}: revoke one of your tokens. */
export const DELETE = route({ auth: true }, async ({ user, params }) => {
  await revokeToken(user.id, String(params.id));
  return { revoked: true };
});
