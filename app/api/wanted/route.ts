import { route, parseQuery } from "@/lib/http/route";
import { listWanted } from "@/lib/wiki/links";
import { titleListQuerySchema } from "@/lib/wiki/schema";

/** GET /api/wanted?limit=&after=: titles linked to that have no page, most linked first. */
export const GET = route({}, async ({ req, access }) => listWanted(parseQuery(req, titleListQuerySchema), access));
