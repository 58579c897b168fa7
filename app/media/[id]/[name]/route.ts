import type { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { toErrorResponse } from "@/lib/http/route";
import { mediaResponse, withFileHeaders } from "@/lib/files/serve";
import { readerAccess } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/**
 * GET/HEAD /media/{versionId}/{name}?width=: a file version's bytes (immutable; the name is for people and
 * downloads). Hot ones are answered by the HTTP front without coming here (lib/files/hot-files.ts).
 */
async function handle(req: NextRequest, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const { id } = await params;
    if (!/^[1-9]\d{0,9}$/.test(id) || Number(id) > 2 ** 31 - 1) throw new AppError("not_found", "There is no such file");
    return await mediaResponse(req, Number(id), await readerAccess());
  } catch (e) {
    return withFileHeaders(toErrorResponse(e, req));
  }
}

export const GET = handle;
export const HEAD = handle;
