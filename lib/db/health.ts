import "server-only";
import { db } from "./index";

/** Does the database answer a trivial query within two seconds? */
export async function checkDatabase(): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 2000).unref());
  const query = db()
    .$queryRaw`SELECT 1`.then(() => true)
    .catch(() => false);
  return Promise.race([query, timeout]);
}
