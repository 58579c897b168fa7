import { route, parseQuery, titleFromRequest, json } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { getFileWithVersions } from "@/lib/files/reads";
import { revertFile, uploadFile } from "@/lib/files/uploads";
import { pageQuerySchema } from "@/lib/wiki/query-schemas.js";
import { revertFileSchema, uploadQuerySchema } from "@/lib/wiki/schema";
import { titleFromPath } from "@/lib/wiki/titles";

const PREFIX = "/api/files/";
const REVERT = "/revert";

/** GET /api/files/{slug}?limit=&before=: the file, its versions newest first, and the first 50 pages that show it. */
export const GET = route({}, async ({ req, access }) => {
  const query = parseQuery(req, pageQuerySchema);
  return getFileWithVersions(titleFromRequest(req, PREFIX), query, access);
});

/**
 * PUT /api/files/{slug}?summary=: the body is the file's bytes (any Content-Type; the type is read from the bytes),
 * streamed through UPLOAD_MAX_BYTES. 201 a new file, 200 a new version or `unchanged`. `If-None-Match: *`: only
 * when the title holds no other file (412 otherwise).
 */
export const PUT = route({ auth: true }, async ({ req, user }) => {
  const title = titleFromRequest(req, PREFIX);
  const { summary } = parseQuery(req, uploadQuerySchema);
  const result = await uploadFile({
    title,
    body: req.body,
    declaredLength: Number(req.headers.get("content-length") ?? 0),
    summary,
    author: user,
    ifNoneMatch: req.headers.get("if-none-match")?.trim() === "*",
  });
  return json({ file: result.file, ...(result.status === "unchanged" ? { unchanged: true } : {}) }, { status: result.status === "created" ? 201 : 200 });
});

/** POST /api/files/{slug}/revert {versionId, summary?}: make that version's bytes current again (a new version). */
export const POST = route({ auth: true, body: revertFileSchema }, async ({ req, body, user }) => {
  const path = req.nextUrl.pathname;
  if (!path.endsWith(REVERT)) throw new AppError("not_found", "POST is for /api/files/{slug}/revert");
  const title = titleFromPath(path.slice(PREFIX.length, -REVERT.length));
  const result = await revertFile({ title, ...body, author: user });
  return { file: result.file, ...(result.status === "unchanged" ? { unchanged: true } : {}) };
});
