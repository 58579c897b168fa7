import { json } from "@/lib/http/route";
import { checkDatabase } from "@/lib/db/health";
import { cacheHealth } from "@/lib/cache";

export const dynamic = "force-dynamic";

/** GET /api/health: 200 when the database answers, 503 otherwise; says which cache backend is live. */
export async function GET(): Promise<Response> {
  const [db, cache] = await Promise.all([checkDatabase(), cacheHealth()]);
  return json({ ok: db, db: db ? "up" : "down", cache }, { status: db ? 200 : 503 });
}
