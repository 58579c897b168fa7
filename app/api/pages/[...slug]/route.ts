import { route, json, titleFromRequest } from "@/lib/http/route";
import { assertCanEdit } from "@/lib/auth/permissions";
import { getPageOrThrow, savePage } from "@/lib/wiki/pages";
import { savePageSchema } from "@/lib/wiki/schema";
import { slugOf } from "@/lib/wiki/titles";

const PREFIX = "/api/pages/";

/** GET /api/pages/{slug}: the current text, HTML and revision. */
export const GET = route({}, async ({ req }) => {
  const page = await getPageOrThrow(titleFromRequest(req, PREFIX));
  const { toc: _toc, ...body } = page;
  return json(body, { headers: { "X-Revision-Id": String(page.revision.id) } });
});

/** PUT /api/pages/{slug}: save a new revision from `baseRevisionId` (null to create). */
export const PUT = route({ auth: true, body: savePageSchema }, async ({ req, body, user }) => {
  const title = titleFromRequest(req, PREFIX);
  assertCanEdit(user);
  const result = await savePage({ title, ...body, author: user });
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
