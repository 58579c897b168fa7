import { z } from "zod";
import { route, parseQuery } from "@/lib/http/route";
import { diffRevisions } from "@/lib/wiki/revisions";
import { revisionIdParam } from "@/lib/wiki/schema";

const query = z.object({ from: revisionIdParam, to: revisionIdParam });

/** GET /api/diff?from=&to=: line diff between two revisions of one page. */
export const GET = route({}, async ({ req }) => {
  const { from, to } = parseQuery(req, query);
  const diff = await diffRevisions(from, to);
  return { from: diff.from, to: diff.to, changes: diff.changes, exact: diff.exact };
});
