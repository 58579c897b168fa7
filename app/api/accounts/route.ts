import { route, json } from "@/lib/http/route";
import { createAccount, signUpSchema } from "@/lib/auth/accounts";
import { clientIp } from "@/lib/auth/rate-limit";
import { sendVerificationLink } from "@/lib/auth/verification";

/**
 * POST /api/accounts {username, email, password, setupCode?}: sign up. The first account is an admin when created
 * from the machine itself or with the setup code. A link to confirm the address is mailed at once.
 */
export const POST = route({ body: signUpSchema }, async ({ req, body }) => {
  const user = await createAccount(body, { clientIp: clientIp(req.headers) });
  await sendVerificationLink(user.id);
  return json({ user: { username: user.username, displayName: user.displayName, role: user.role }, emailVerified: false }, { status: 201 });
});
