import { route, json } from "@/lib/http/route";
import { clientIp } from "@/lib/http/client-address";
import { changePassword, passwordChangeSchema } from "@/lib/auth/password-change";
import { awaitAcknowledgements } from "@/lib/cache/coherence";

/**
 * POST /api/users/me/password {currentPassword?, newPassword}: a new password; every other session of the person
 * ends. `currentPassword` may be left out within 15 minutes of a magic-link sign-in (a forgotten password).
 */
export const POST = route({ auth: true, body: passwordChangeSchema }, async ({ req, user, body, via }) => {
  const { cookies } = await changePassword(user, body, { req, via: via ?? "session", ip: clientIp(req.headers) });
  // the other sessions stop on every instance before the answer
  await awaitAcknowledgements();
  const response = json({ changed: true });
  for (const c of cookies) response.headers.append("Set-Cookie", c);
  return response;
});
