import { route } from "@/lib/http/route";
import { renderMarkdown } from "@/lib/markdown/render";
import { previewSchema } from "@/lib/wiki/schema";

/** POST /api/preview {markdown}: the editor's live preview, rendered by the same code as saved pages. */
export const POST = route({ auth: true, body: previewSchema }, async ({ body }) => renderMarkdown(body.markdown));
