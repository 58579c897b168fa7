import { route, titleFromRequest } from "@/lib/http/route";
import { editorsOf, endPresence, renewPresence } from "@/lib/wiki/drafts";

const PREFIX = "/api/editors/";

/** GET /api/editors/{slug}: who has the page open in the editor now, {editors: [{username, since}]}. */
export const GET = route({}, async ({ req, access }) => ({ editors: await editorsOf(titleFromRequest(req, PREFIX), access) }));

/** PUT /api/editors/{slug}: you have the page open in the editor (renewed every 15 s); answers who is editing it. */
export const PUT = route({ auth: true }, async ({ req, user, access }) => ({
  editors: await renewPresence(titleFromRequest(req, PREFIX), user, access),
}));

/** DELETE /api/editors/{slug}: you closed the editor. */
export const DELETE = route({ auth: true }, async ({ req, user }) => {
  await endPresence(titleFromRequest(req, PREFIX), user);
  return { editing: false };
});
