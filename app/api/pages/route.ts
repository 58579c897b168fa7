import { route, parseQuery } from "@/lib/http/route";
import { listPages } from "@/lib/wiki/page-reads";
import { titleListQuerySchema } from "@/lib/wiki/schema";

/** GET /api/pages?limit=&after=: every page by title, {pages: [{title, slug, updatedAt, redirect}], next}. */
export const GET = route({}, async ({ req, access }) => listPages(parseQuery(req, titleListQuerySchema), access));
