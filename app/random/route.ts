import type { NextRequest } from "next/server";
import { randomPageTitle } from "@/lib/wiki/links";
import { pagePaths } from "@/lib/wiki/titles";
import { readerAccess } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /random: a temporary redirect to a random page (not a redirect page); to /pages on an empty wiki. */
export async function GET(req: NextRequest): Promise<Response> {
  const title = await randomPageTitle(await readerAccess());
  const to = new URL(title ? pagePaths.view(title) : "/pages", req.url);
  return new Response(null, { status: 302, headers: { Location: to.pathname, "Cache-Control": "no-store" } });
}
