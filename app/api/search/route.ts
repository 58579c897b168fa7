import { route, parseQuery } from "@/lib/http/route";
import { searchPages } from "@/lib/wiki/search";
import { searchQuerySchema } from "@/lib/wiki/schema";

/**
 * GET /api/search?q=&limit=&offset=&asTyped=: pages best first, {results: [{title, slug, snippet}], total,
 * correction, didYouMean, ignoredWords}.
 */
export const GET = route({}, async ({ req, access }) => {
  const { q, limit, offset, asTyped } = parseQuery(req, searchQuerySchema);
  return searchPages(q, { limit, offset, asTyped }, access);
});
