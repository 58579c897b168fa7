import { json } from "@/lib/http/route";
import { checkDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

/** GET /api/health: 200 when the database answers, 503 otherwise. */
export async function GET(): Promise<Response> {
  const db = await checkDatabase();
  return json({ ok: db, db: db ? "up" : "down", cache: "memory" }, { status: db ? 200 : 503 });
}
