import { route, json } from "@/lib/http/route";
import { clientIp } from "@/lib/http/client-address";
import { siteBase } from "@/lib/http/site";
import { AppError } from "@/lib/errors";
import { assertNotBlocked } from "@/lib/auth/permissions";
import { connectDirectoryIdentity, connectSchema, listIdentities } from "@/lib/auth/identities";
import { oidcConfigured } from "@/lib/auth/organisation";
import { connectIntentCookie } from "@/lib/auth/sign-in-context";

/** GET /api/users/me/identities: the organisation identities connected to your account, and the ways in offered. */
export const GET = route({ auth: true }, async ({ user }) => listIdentities(user.id));

/**
 * POST /api/users/me/identities {provider: "ldap", username, password}: connect a directory identity (201).
 * {provider: "oidc"}: answers where to sign in with the provider, whose identity is then connected to this account
 * (a Connect intent good for 10 minutes, in a cookie only the sign-in routes receive). Session only.
 */
export const POST = route({ auth: true, body: connectSchema }, async ({ req, user, body, via }) => {
  if (via !== "session") throw new AppError("forbidden", "Connect identities while signed in in a browser");
  if (body.provider === "ldap") return json(await connectDirectoryIdentity(user, body.username, body.password, clientIp(req.headers)), { status: 201 });
  assertNotBlocked(user);
  if (!oidcConfigured()) throw new AppError("bad_request", "This wiki has no single sign-on");
  const response = json({ signIn: "/api/auth/signin/oidc", provider: "oidc" });
  response.headers.append("Set-Cookie", connectIntentCookie(user.id, siteBase().startsWith("https:")));
  return response;
});
