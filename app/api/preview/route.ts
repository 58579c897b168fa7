import { route } from "@/lib/http/route";
import { renderBounded } from "@/lib/markdown/render-pool";
import { previewSchema } from "@/lib/wiki/schema";
import { colourLinks } from "@/lib/wiki/links";

/**
 * POST /api/preview {markdown}: the editor's live preview, rendered by the same code and within the same limits
 * as saved pages, its wiki links coloured as a view would show them (`gaveUp` says when the text is shown as plain
 * text instead).
 */
export const POST = route({ auth: true, body: previewSchema }, async ({ body }) => {
  const { rendered, gaveUp } = await renderBounded(body.markdown);
  return { html: await colourLinks(rendered.html, rendered.links), toc: rendered.toc, gaveUp };
});
