import { route, json, titleFromRequest } from "@/lib/http/route";
import { deletePage } from "@/lib/wiki/page-lifecycle";
import { getPageOrThrow } from "@/lib/wiki/page-reads";
import { savePage } from "@/lib/wiki/save";
import { deletePageSchema, savePageSchema } from "@/lib/wiki/schema";
import { slugOf } from "@/lib/wiki/titles";
import { warmArticle } from "@/app/wiki/[...slug]/article";

const PREFIX = "/api/pages/";

/** GET /api/pages/{slug}: the current text, HTML, revision, and `redirectTo` ({title, slug} of a redirect, else null). */
export const GET = route({}, async ({ req, access }) => {
  const page = await getPageOrThrow(titleFromRequest(req, PREFIX), access);
  const { toc: _toc, ...body } = page;
  return json(body, { headers: { "X-Revision-Id": String(page.revision.id) } });
});

/** PUT /api/pages/{slug}: save a new revision from `baseRevisionId` (null to create). */
export const PUT = route({ auth: true, body: savePageSchema }, async ({ req, body, user, afterAcknowledged }) => {
  const title = titleFromRequest(req, PREFIX);
  const result = await savePage({ title, ...body, author: user });
  // the first view after a save costs what any later one does (decision 0021)
  afterAcknowledged(() => warmArticle(result.title));
  const payload = {
    title: result.title,
    slug: slugOf(result.title),
    revision: result.revision,
    merged: result.merged,
    ...(result.status === "unchanged" ? { unchanged: true } : {}),
  };
  return json(payload, {
    status: result.status === "created" ? 201 : 200,
    headers: { "X-Revision-Id": String(result.revision.id) },
  });
});

/** DELETE /api/pages/{slug} {reason?}: delete the page (admins); its revisions are kept for a restore. */
export const DELETE = route({ auth: true, body: deletePageSchema }, async ({ req, body, user }) => {
  const title = titleFromRequest(req, PREFIX);
  const deleted = await deletePage({ title, reason: body.reason ?? "", author: user });
  return { title: deleted.title, slug: slugOf(deleted.title), deleted: true, revision: deleted.revision };
});
