import { route, parseQuery, titleFromRequest } from "@/lib/http/route";
import { listHistory } from "@/lib/wiki/revisions";
import { pageQuerySchema } from "@/lib/wiki/schema";

/** GET /api/history/{slug}?limit=&before=: revisions, newest first. */
export const GET = route({}, async ({ req, access }) => {
  const query = parseQuery(req, pageQuerySchema);
  const { revisions, next } = await listHistory(titleFromRequest(req, "/api/history/"), query, access);
  return { revisions, next };
});
