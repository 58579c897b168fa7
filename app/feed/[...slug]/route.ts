import type { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { toErrorResponse, titleFromRequest } from "@/lib/http/route";
import { pageHistoryFeed } from "@/lib/wiki/changes";
import { feedResponse } from "@/lib/http/feed";
import { siteBase } from "@/lib/http/site";
import { readerAccess } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /feed/{slug}: an Atom 1.0 feed of a page's history; 404 for a page that does not exist, 400 for a bad title. */
export async function GET(req: NextRequest): Promise<Response> {
  try {
    return feedResponse(await pageHistoryFeed(siteBase(), titleFromRequest(req, "/feed/"), await readerAccess()), req.headers);
  } catch (e) {
    if (e instanceof AppError) return toErrorResponse(e, req);
    throw e;
  }
}
