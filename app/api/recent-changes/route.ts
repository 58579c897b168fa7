import { route, parseQuery } from "@/lib/http/route";
import { listRecentChanges } from "@/lib/wiki/changes";
import { recentChangesQuerySchema } from "@/lib/wiki/schema";

/** GET /api/recent-changes?limit=&before=&kind=&hideMine=1: every change across the wiki, newest first. */
export const GET = route({ optionalUser: true }, async ({ req, user, access }) => {
  const q = parseQuery(req, recentChangesQuerySchema);
  const { changes, next } = await listRecentChanges({ limit: q.limit, before: q.before, kind: q.kind, hideUserId: q.hideMine ? user?.id : undefined }, access);
  return { changes: changes.map(({ parentId: _p, ...c }) => c), next };
});
