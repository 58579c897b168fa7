import { route, titleFromRequest } from "@/lib/http/route";
import { restorePage } from "@/lib/wiki/page-lifecycle";
import { restoreSchema } from "@/lib/wiki/schema";
import { slugOf } from "@/lib/wiki/titles";

/** POST /api/restore/{slug} {summary?}: bring back the page last deleted under this title (admins). */
export const POST = route({ auth: true, body: restoreSchema }, async ({ req, body, user }) => {
  const title = titleFromRequest(req, "/api/restore/");
  const restored = await restorePage({ title, summary: body.summary, author: user });
  return { title: restored.title, slug: slugOf(restored.title), revision: restored.revision };
});
