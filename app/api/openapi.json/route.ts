import { json } from "@/lib/http/route";
import { getConfig } from "@/lib/config";
import { openApiDocument } from "@/lib/http/openapi";

/** GET /api/openapi.json: the OpenAPI 3.1 document of every /api route, generated from the validating schemas. */
export function GET(): Response {
  return json(openApiDocument(getConfig().NEXTAUTH_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}
