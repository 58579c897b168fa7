// Loaded (node --import) into every integration test file's process by `npm test`: the file gets a database of
// its own, copied from the migrated template the runner made (TEST_TEMPLATE_DATABASE_URL), and a memcached key
// prefix of its own. So no file depends on what another left behind or on the order the files run in, and files
// may run side by side. The runner drops the copies at the end. Plain JavaScript, and the main thread only: the
// file's worker threads (render-pool) inherit the preload and must neither need the TypeScript loader nor copy a
// database of their own.
import { randomBytes } from "node:crypto";
import { isMainThread } from "node:worker_threads";
import { createDatabaseIfMissing } from "../db/databases.mjs";

const template = process.env.TEST_TEMPLATE_DATABASE_URL;
if (template && isMainThread) {
  const source = new URL(template);
  const own = new URL(template);
  own.pathname = `${source.pathname}_${randomBytes(4).toString("hex")}`;
  await createDatabaseIfMissing(own.toString(), { template: decodeURIComponent(source.pathname.slice(1)) });
  process.env.DATABASE_URL = own.toString();
  process.env.MEMCACHE_PREFIX = decodeURIComponent(own.pathname.slice(1));
}
