import { route } from "@/lib/http/route";
import { renderBounded } from "@/lib/markdown/render-pool";
import { previewSchema } from "@/lib/wiki/schema";

/**
 * POST /api/preview {markdown}: the editor's live preview, rendered by the same code and within the same limits
 * as saved pages (`gaveUp` says when the text is shown as plain text instead).
 */
export const POST = route({ auth: true, body: previewSchema }, async ({ body }) => {
  const { rendered, gaveUp } = await renderBounded(body.markdown);
  return { ...rendered, gaveUp };
});
