import type { NextRequest } from "next/server";
import { recentChangesFeed } from "@/lib/wiki/changes";
import { feedResponse } from "@/lib/http/feed";
import { siteBase } from "@/lib/http/site";
import { readerAccess } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /recent-changes.atom: an Atom 1.0 feed of the 50 newest changes (ETag and Last-Modified: 304 when unchanged). */
export async function GET(req: NextRequest): Promise<Response> {
  return feedResponse(await recentChangesFeed(siteBase(), await readerAccess()), req.headers);
}
