import type { NextRequest } from "next/server";
import { titleFromRequest, toErrorResponse } from "@/lib/http/route";
import { getFileOrThrow } from "@/lib/files/reads";
import { requestedWidth, withFileHeaders } from "@/lib/files/serve";
import { readerAccess } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /file/{slug}?width=: 302 to the current version's immutable URL (with the width asked for). */
export async function GET(req: NextRequest): Promise<Response> {
  try {
    const width = requestedWidth(req.nextUrl);
    const file = await getFileOrThrow(titleFromRequest(req, "/file/"), await readerAccess());
    const location = width === null ? file.url : `${file.url}?width=${width}`;
    return withFileHeaders(new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-cache" } }));
  } catch (e) {
    return withFileHeaders(toErrorResponse(e, req));
  }
}
