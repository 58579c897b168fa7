import { route, parseQuery } from "@/lib/http/route";
import { diffRevisions } from "@/lib/wiki/revisions";
import { diffQuerySchema } from "@/lib/wiki/schema";

/** GET /api/diff?from=&to=: line diff between two revisions of one page. */
export const GET = route({}, async ({ req, access }) => {
  const { from, to } = parseQuery(req, diffQuerySchema);
  const diff = await diffRevisions(from, to, access);
  return { from: diff.from, to: diff.to, changes: diff.changes, exact: diff.exact };
});
