import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { clientIp, isRateLimited, recordFailure } from "@/lib/auth/rate-limit";
import { errorResponse } from "@/lib/http/route";
import { AppError } from "@/lib/http/errors";

const handler = NextAuth(authOptions);
type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth, behind a rate limit shared by every instance (PostgreSQL): password sign-in answers 429 after
 * repeated failures for the account or from the address, and magic links are limited per address and client.
 */
async function POST(req: NextRequest, ctx: Context): Promise<Response> {
  const path = req.nextUrl.pathname;
  const ip = clientIp(req.headers);
  if (path.endsWith("/callback/credentials") || path.endsWith("/signin/email")) {
    const form = await req.clone().formData().catch(() => null);
    const keys = [`ip:${ip}`];
    if (path.endsWith("/callback/credentials")) {
      keys.push(`user:${String(form?.get("username") ?? "").toLowerCase()}`);
    } else {
      const email = `email:${String(form?.get("email") ?? "").trim().toLowerCase()}`;
      if (await isRateLimited([email, `ip:${ip}`])) return tooMany();
      await recordFailure([email]); // every link request counts against its address
      return handler(req, ctx);
    }
    if (await isRateLimited(keys)) return tooMany();
  }
  return handler(req, ctx);
}

function tooMany(): Response {
  const response = errorResponse(new AppError("rate_limited", "Too many attempts; wait a few minutes and try again"));
  response.headers.set("Retry-After", "900");
  return response;
}

export { handler as GET, POST };
