import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { allowSignInLinkRequest, RATE_LIMITED } from "@/lib/auth/rate-limit";
import { clientIp } from "@/lib/http/client-address";
import { errorResponse } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { awaitAcknowledgements } from "@/lib/cache/coherence";
import { hasUnstorableText } from "@/lib/http/front-rules";
import { localSignIn, oidcConfigured } from "@/lib/auth/organisation";
import { learnIssuerScopes } from "@/lib/auth/oidc";
import { clearConnectCookie, connectIntentOf, signInContext } from "@/lib/auth/sign-in-context";
import { readerOf } from "@/lib/auth/session-reader";

const handler = NextAuth(authOptions);
type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth, behind the sign-in limits of lib/auth/rate-limit.ts: magic-link requests are limited here per
 * address and client (the body read as next-auth reads it, JSON or form); password sign-in is limited inside the
 * credentials check, and its refusal becomes a 429 here.
 */
async function POST(req: NextRequest, ctx: Context): Promise<Response> {
  const path = req.nextUrl.pathname;
  const body = await readAuthBody(req);
  // text PostgreSQL cannot hold never reaches a query (nor, through next-auth's error redirects, a URL)
  if (body && Object.entries(body).some(([k, v]) => hasUnstorableText(k) || (typeof v === "string" && hasUnstorableText(v)))) {
    return errorResponse(new AppError("bad_request", "Fields may not contain NUL characters or unpaired UTF-16 surrogates"));
  }
  if (path.endsWith("/signin/email")) {
    if (!localSignIn()) return errorResponse(new AppError("forbidden", "This wiki signs people in through the organisation only"));
    if (!(await allowSignInLinkRequest(body?.email, clientIp(req.headers)))) return tooMany();
  }
  // a single sign-on's start asks for the scopes the issuer offers (lib/auth/oidc.ts)
  if (path.endsWith("/signin/oidc") && oidcConfigured()) await learnIssuerScopes();
  const response = await withSignInContext(req, () => handler(req, ctx));
  // signing out ends the person's sessions everywhere: answer once every instance has stopped showing them in
  if (path.endsWith("/signout")) await awaitAcknowledgements();
  if (path.endsWith("/callback/credentials") && (await refusedAsLimited(response))) return tooMany();
  return response;
}

/** The body as next-auth parses it (JSON or form); null for anything else. */
async function readAuthBody(req: NextRequest): Promise<Record<string, unknown> | null> {
  const type = req.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) return (await req.clone().json()) as Record<string, unknown>;
    if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(await req.clone().text()));
  } catch {}
  return null;
}

/** Did next-auth answer with the credentials check's RATE_LIMITED error (as a redirect or, for JSON, a url)? */
async function refusedAsLimited(response: Response): Promise<boolean> {
  const marker = `error=${RATE_LIMITED}`;
  if (response.headers.get("location")?.includes(marker)) return true;
  if (!response.headers.get("content-type")?.includes("application/json")) return false;
  const body = (await response.clone().json().catch(() => null)) as { url?: string } | null;
  return Boolean(body?.url?.includes(marker));
}

/**
 * next-auth's GET routes, behind two checks it lacks: the credentials callback is POST only (405, where next-auth
 * throws), and query values with line breaks or other control characters (which next-auth copies into a
 * redirect's Location header, and fails) are a 400.
 */
async function GET(req: NextRequest, ctx: Context): Promise<Response> {
  if (req.nextUrl.pathname.startsWith("/api/auth/callback/credentials")) {
    const response = errorResponse(new AppError("bad_request", "Sign in with a POST of username and password"));
    return new Response(response.body, { status: 405, headers: { ...Object.fromEntries(response.headers), Allow: "POST" } });
  }
  for (const value of req.nextUrl.searchParams.values()) {
    if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value) || hasUnstorableText(value)) {
      return errorResponse(new AppError("bad_request", "Invalid query: control characters are not allowed"));
    }
  }
  return withSignInContext(req, () => handler(req, ctx));
}

/**
 * An organisation's callback runs knowing who is signed in (a current session, not any cookie next-auth can
 * decode) and whether they asked to connect an identity (lib/auth/sign-in-context.ts); the Connect intent is
 * spent by the callback, whatever its outcome.
 */
async function withSignInContext(req: NextRequest, run: () => Promise<Response>): Promise<Response> {
  if (!req.nextUrl.pathname.startsWith("/api/auth/callback/oidc")) return run();
  const cookie = req.headers.get("cookie");
  const who = await readerOf(cookie ?? undefined);
  const response = await signInContext.run({ sessionUserId: who?.reader.id ?? null, connectTo: connectIntentOf(cookie) }, run);
  const headers = new Headers(response.headers);
  headers.append("Set-Cookie", clearConnectCookie());
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function tooMany(): Response {
  const response = errorResponse(new AppError("rate_limited", "Too many attempts; wait a few minutes and try again"));
  response.headers.set("Retry-After", "900");
  return response;
}

export { GET, POST };
