import { route, json } from "@/lib/http/route";
import { assertNotBlocked } from "@/lib/auth/permissions";
import { createToken, createTokenSchema, listTokens } from "@/lib/auth/tokens";

/** POST /api/tokens {name?, expiresInDays?}: a new personal access token, shown once (signed-in sessions only). */
export const POST = route({ auth: true, body: createTokenSchema }, async ({ user, body, via }) => {
  assertNotBlocked(user);
  return json(await createToken(user.id, body, via === "token" ? "token" : "session"), { status: 201 });
});

/** GET /api/tokens: your tokens (names and dates, never values). */
export const GET = route({ auth: true }, async ({ user }) => ({ tokens: await listTokens(user.id) }));
