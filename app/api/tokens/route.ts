import { route, json, parseQuery } from "@/lib/http/route";
import { assertNotBlocked } from "@/lib/auth/permissions";
import { createToken, createTokenSchema, listTokens, tokenListQuerySchema } from "@/lib/auth/tokens";

/** POST /api/tokens {name?, expiresInDays?}: a new personal access token, shown once (signed-in sessions only). */
export const POST = route({ auth: true, body: createTokenSchema }, async ({ user, body, via }) => {
  assertNotBlocked(user);
  return json(await createToken(user.id, body, via === "token" ? "token" : "session"), { status: 201 });
});

/** GET /api/tokens?limit=&before=: your live tokens, newest first (names and dates, never values): {tokens, next}. */
export const GET = route({ auth: true }, async ({ req, user }) => listTokens(user.id, parseQuery(req, tokenListQuerySchema)));
