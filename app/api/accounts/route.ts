import { route, json, errorResponse } from "@/lib/http/route";
import { createAccount, signUpSchema } from "@/lib/auth/accounts";
import { clientIp } from "@/lib/http/client-address";
import { sendVerificationLink } from "@/lib/auth/verification";
import { AppError } from "@/lib/errors";
import { localSignIn } from "@/lib/auth/organisation";

/**
 * POST /api/accounts {username, email, password, setupCode?}: sign up. The first account is an admin when created
 * from the machine itself or with the setup code. A link to confirm the address is mailed at once. 403 when the wiki
 * signs people in through the organisation only (LOCAL_SIGN_IN=off), whatever the body.
 */
const signUp = route({ body: signUpSchema }, async ({ req, body }) => {
  const user = await createAccount(body, { clientIp: clientIp(req.headers) });
  // the account exists either way: a link limited for this address can be asked for again from Settings
  await sendVerificationLink(user.id).catch((e: unknown) => {
    if (!(e instanceof AppError && e.code === "rate_limited")) throw e;
  });
  return json({ user: { username: user.username, displayName: user.displayName, role: user.role }, emailVerified: false }, { status: 201 });
});

export const POST: typeof signUp = (req, ctx) =>
  localSignIn() ? signUp(req, ctx) : Promise.resolve(errorResponse(new AppError("forbidden", "This wiki signs people in through the organisation only")));
