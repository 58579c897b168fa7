import { route, json } from "@/lib/http/route";
import { assertNotBlocked } from "@/lib/auth/permissions";
import { createToken, createTokenSchema, listTokens } from "@/lib/auth/tokens";

/** POST /api/tokens {name?}: a new personal access token, shown once. */
export const POST = route({ auth: true, body: createTokenSchema }, async ({ user, body }) => {
  assertNotBlocked(user);
  return json(await createToken(user.id, body.name), { status: 201 });
});

/** GET /api/tokens: your tokens (names and dates, never values). */
export const GET = route({ auth: true }, async ({ user }) => ({ tokens: await listTokens(user.id) }));
