import { route, titleFromRequest } from "@/lib/http/route";
import { assertNotBlocked } from "@/lib/auth/permissions";
import { isWatching, setWatch } from "@/lib/wiki/watches";

const PREFIX = "/api/watch/";

/** GET /api/watch/{slug}: {watching} for the signed-in user. */
export const GET = route({ auth: true }, async ({ req, user }) => ({
  watching: await isWatching(user.id, titleFromRequest(req, PREFIX)),
}));

/** PUT /api/watch/{slug}: watch the page. */
export const PUT = route({ auth: true }, async ({ req, user }) => {
  assertNotBlocked(user);
  return { watching: await setWatch(user.id, titleFromRequest(req, PREFIX), true) };
});

/** DELETE /api/watch/{slug}: stop watching. */
export const DELETE = route({ auth: true }, async ({ req, user }) => ({
  watching: await setWatch(user.id, titleFromRequest(req, PREFIX), false),
}));
