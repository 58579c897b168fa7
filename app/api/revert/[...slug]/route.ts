import { route, titleFromRequest } from "@/lib/http/route";
import { revertPage } from "@/lib/wiki/page-lifecycle";
import { revertSchema } from "@/lib/wiki/schema";
import { slugOf } from "@/lib/wiki/titles";
import { warmArticle } from "@/app/wiki/[...slug]/article";

/** POST /api/revert/{slug} {revisionId, summary?}: a new revision restoring that revision's text. */
export const POST = route({ auth: true, body: revertSchema }, async ({ req, body, user, afterAcknowledged }) => {
  const title = titleFromRequest(req, "/api/revert/");
  const result = await revertPage({ title, ...body, author: user });
  afterAcknowledged(() => warmArticle(title));
  return {
    title,
    slug: slugOf(title),
    revision: result.revision,
    ...(result.status === "unchanged" ? { unchanged: true } : {}),
  };
});
