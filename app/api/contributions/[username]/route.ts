import { route, parseQuery } from "@/lib/http/route";
import { listContributions } from "@/lib/people/profiles";
import { pageQuerySchema } from "@/lib/wiki/schema";

/** GET /api/contributions/{username}?limit=&before=: their revisions, newest first. */
export const GET = route({}, async ({ req, params, access }) =>
  listContributions(String(params.username), parseQuery(req, pageQuerySchema), access),
);
