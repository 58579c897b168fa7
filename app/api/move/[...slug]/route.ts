import { route, titleFromRequest } from "@/lib/http/route";
import { movePage } from "@/lib/wiki/page-lifecycle";
import { moveSchema } from "@/lib/wiki/schema";
import { normaliseTitle, slugOf } from "@/lib/wiki/titles";

/** POST /api/move/{slug} {to, leaveRedirect?, summary?}: rename the page (editors; its protection applies). */
export const POST = route({ auth: true, body: moveSchema }, async ({ req, body, user }) => {
  const from = titleFromRequest(req, "/api/move/");
  const to = normaliseTitle(body.to);
  const moved = await movePage({ from, to, leaveRedirect: body.leaveRedirect, summary: body.summary, author: user });
  return {
    from: { title: moved.from, slug: slugOf(moved.from) },
    to: { title: moved.to, slug: slugOf(moved.to) },
    redirect: moved.redirect,
    revision: moved.revision,
  };
});
