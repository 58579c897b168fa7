// The backing services of one Vellum installation: PostgreSQL (DATABASE_URL, or an embedded server with its
// data in dataDir), migrated to the latest schema, and memcached (MEMCACHE_SERVERS, or one already answering on
// localhost:11211, or one we start when the binary exists, or else the app's in-process cache). Returns the
// environment the app needs.
import path from "node:path";
import { say } from "./setup.mjs";
import { startEmbeddedPostgres } from "./postgres.mjs";
import { migrate } from "./migrate.mjs";
import { findMemcached, probeMemcached, startMemcached } from "./memcached.mjs";

export async function startServices({ dataDir, pgPort, database = "vellum", cleanups }) {
  let url = process.env.DATABASE_URL;
  if (url) {
    say("using the PostgreSQL at DATABASE_URL");
  } else {
    say(`starting the embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir) || dataDir})...`);
    const pg = await startEmbeddedPostgres({ dir: dataDir, port: pgPort, database });
    cleanups.push(pg.stop);
    url = pg.url;
  }
  const applied = await migrate(url, { log: (m) => say(m) });
  if (!applied.length) say("database schema is up to date");
  return { DATABASE_URL: url, ...(await memcachedEnv(cleanups)) };
}

async function memcachedEnv(cleanups) {
  if (process.env.MEMCACHE_SERVERS) {
    say(`using memcached at ${process.env.MEMCACHE_SERVERS}`);
    return { MEMCACHE_SERVERS: process.env.MEMCACHE_SERVERS };
  }
  if (await probeMemcached("127.0.0.1", 11211)) {
    say("using the memcached running on localhost:11211");
    return { MEMCACHE_SERVERS: "127.0.0.1:11211" };
  }
  if (findMemcached()) {
    const port = Number(process.env.VELLUM_MEMCACHED_PORT ?? 11311);
    const mc = await startMemcached({ port });
    cleanups.push(mc.stop);
    say(`started memcached on ${mc.servers}`);
    return { MEMCACHE_SERVERS: mc.servers };
  }
  say("notice: no memcached found (apt-get install memcached); using an in-process cache, right for one instance only");
  return {};
}
