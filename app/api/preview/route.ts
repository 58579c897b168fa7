import { route } from "@/lib/http/route";
import { renderBounded } from "@/lib/markdown/render-pool";
import { previewSchema } from "@/lib/wiki/schema";
import { colourLinks } from "@/lib/wiki/links";

/**
 * POST /api/preview {markdown}: the editor's live preview, rendered by the same code and within the same limits
 * as saved pages, its wiki links coloured as a view would show them (`gaveUp` says when the text is shown as plain
 * text instead).
 */
export const POST = route({ auth: true, body: previewSchema }, async ({ body, access }) => {
  const { rendered, gaveUp } = await renderBounded(body.markdown);
  // coloured for the writer: a page they may not read is a red link here too (decision 0029)
  return { html: (await colourLinks(rendered.html, rendered.links, access)).html, toc: rendered.toc, gaveUp };
});
