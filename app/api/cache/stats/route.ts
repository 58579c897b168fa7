import { json } from "@/lib/http/route";
import { getCacheStats } from "@/lib/cache/stats";

export const dynamic = "force-dynamic";

/** GET /api/cache/stats: memcached's counters (all servers) and this instance's page-cache counters. */
export async function GET(): Promise<Response> {
  return json(await getCacheStats());
}
