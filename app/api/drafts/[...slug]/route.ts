import { route, titleFromRequest } from "@/lib/http/route";
import { deleteDraft, getDraft, putDraft } from "@/lib/wiki/drafts";
import { draftSchema } from "@/lib/wiki/schema";

const PREFIX = "/api/drafts/";

/** GET /api/drafts/{slug}: your draft of the page, {markdown, baseRevisionId, savedAt}; 404 when you have none. */
export const GET = route({ auth: true }, async ({ req, user, access }) => getDraft(titleFromRequest(req, PREFIX), user, access));

/** PUT /api/drafts/{slug} {markdown, baseRevisionId}: keep your draft of the page. */
export const PUT = route({ auth: true, body: draftSchema }, async ({ req, body, user, access }) =>
  putDraft(titleFromRequest(req, PREFIX), body, user, access),
);

/** DELETE /api/drafts/{slug}: forget your draft of the page; answers what it held (404 when you had none). */
export const DELETE = route({ auth: true }, async ({ req, user, access }) => deleteDraft(titleFromRequest(req, PREFIX), user, access));
