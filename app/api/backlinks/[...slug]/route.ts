import { route, parseQuery, titleFromRequest } from "@/lib/http/route";
import { listBacklinks } from "@/lib/wiki/links";
import { titleListQuerySchema } from "@/lib/wiki/schema";

/** GET /api/backlinks/{slug}?limit=&after=: pages whose current text links to the title (a page or not), by title. */
export const GET = route({}, async ({ req, access }) =>
  listBacklinks(titleFromRequest(req, "/api/backlinks/"), parseQuery(req, titleListQuerySchema), access),
);
