import { route, parseQuery, titleFromRequest } from "@/lib/http/route";
import { readBlame } from "@/lib/wiki/blame";
import { blameQuerySchema } from "@/lib/wiki/schema";

/** GET /api/blame/{slug}?revision=: each line of a revision with the revision that brought it into the page. */
export const GET = route({}, async ({ req, access }) => {
  const { revision } = parseQuery(req, blameQuerySchema);
  const blame = await readBlame(titleFromRequest(req, "/api/blame/"), revision ?? null, access);
  return {
    revision: blame.revision,
    lines: blame.lines.map(({ text, revision: r }) => ({
      text,
      revision: { id: r.id, number: r.number, createdAt: r.createdAt, author: r.author },
    })),
  };
});
