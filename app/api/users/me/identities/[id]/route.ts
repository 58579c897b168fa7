import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { disconnectIdentity } from "@/lib/auth/identities";

/** DELETE /api/users/me/identities/{id}: disconnect one of your identities (409 when it is your last way in). */
export const DELETE = route({ auth: true }, async ({ user, params, via }) => {
  if (via !== "session") throw new AppError("forbidden", "Disconnect identities while signed in in a browser");
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new AppError("not_found", "No such identity on your account");
  return disconnectIdentity(user, id);
});
