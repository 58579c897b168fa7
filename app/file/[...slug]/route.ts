import type { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { titleFromRequest, toErrorResponse } from "@/lib/http/route";
import { getFileOrThrow } from "@/lib/files/reads";
import { withFileHeaders } from "@/lib/files/serve";

export const dynamic = "force-dynamic";

/** GET /file/{slug}?width=: 302 to the current version's immutable URL (with the width asked for). */
export async function GET(req: NextRequest): Promise<Response> {
  try {
    const file = await getFileOrThrow(titleFromRequest(req, "/file/"));
    const width = req.nextUrl.searchParams.get("width");
    if (width !== null && !/^\d{1,6}$/.test(width)) throw new AppError("bad_request", "width must be a whole number of pixels");
    const location = width === null ? file.url : `${file.url}?width=${width}`;
    return withFileHeaders(new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-cache" } }));
  } catch (e) {
    return withFileHeaders(toErrorResponse(e, req));
  }
}
