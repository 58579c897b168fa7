import { route, titleFromRequest } from "@/lib/http/route";
import { assertNotBlocked } from "@/lib/auth/permissions";
import { isWatching, setWatch } from "@/lib/wiki/watches";

const PREFIX = "/api/watch/";

/** GET /api/watch/{slug}: {watching} for the signed-in user. */
export const GET = route({ auth: true }, async ({ req, user, access }) => ({
  watching: await isWatching(user.id, titleFromRequest(req, PREFIX), access),
}));

/** PUT /api/watch/{slug}: watch the page. */
export const PUT = route({ auth: true }, async ({ req, user, access }) => {
  assertNotBlocked(user);
  return { watching: await setWatch(user.id, titleFromRequest(req, PREFIX), true, access) };
});

/** DELETE /api/watch/{slug}: stop watching. */
export const DELETE = route({ auth: true }, async ({ req, user, access }) => ({
  watching: await setWatch(user.id, titleFromRequest(req, PREFIX), false, access),
}));
