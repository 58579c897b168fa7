import { route, parseQuery } from "@/lib/http/route";
import { searchPages } from "@/lib/wiki/search";
import { searchQuerySchema } from "@/lib/wiki/schema";

/** GET /api/search?q=&limit=&offset=: pages best first, {results: [{title, slug, snippet}], total}. */
export const GET = route({}, async ({ req }) => {
  const { q, limit, offset } = parseQuery(req, searchQuerySchema);
  return searchPages(q, { limit, offset });
});
