import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { getRevisionOrThrow } from "@/lib/wiki/revisions";
import { positiveIdParam } from "@/lib/wiki/schema";

/** GET /api/revisions/{id}: one revision with its text and HTML. */
export const GET = route({}, async ({ params, access }) => {
  const id = positiveIdParam.safeParse(params.id);
  if (!id.success) throw new AppError("bad_request", "Revision id must be a positive integer");
  const { toc: _toc, isLatest: _latest, ...revision } = await getRevisionOrThrow(id.data, access);
  return revision;
});
