import { route, json } from "@/lib/http/route";
import { createAccount, signUpSchema } from "@/lib/auth/accounts";

/** POST /api/accounts {username, email, password}: sign up. The first account is an admin. */
export const POST = route({ body: signUpSchema }, async ({ body }) => {
  const user = await createAccount(body);
  return json({ user }, { status: 201 });
});
