import { route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { importMediaWiki, listImportRuns } from "@/lib/transfer/mediawiki";

/** GET /api/admin/import/mediawiki (admins): the latest import runs with their progress -> {runs}. */
export const GET = route({ auth: true }, async ({ user }) => {
  assertAdmin(user);
  return { runs: await listImportRuns() };
});

/**
 * POST /api/admin/import/mediawiki (admins): the body is a MediaWiki XML export, read as it arrives (at most
 * MAX_IMPORT_BODY_BYTES; `npm run import:mediawiki` takes any size) -> {pages, revisions, users, skipped, renamed}.
 */
export const POST = route({ auth: true }, async ({ req, user }) => {
  assertAdmin(user);
  if (!req.body) throw new AppError("bad_request", "The body must be a MediaWiki XML export");
  const declared = Number(req.headers.get("content-length") ?? 0);
  const { pages, revisions, users, skipped, renamed, run } = await importMediaWiki(req.body, {
    origin: "api",
    bytesTotal: declared > 0 ? declared : null,
  });
  return { pages, revisions, users, skipped, renamed, run };
});
