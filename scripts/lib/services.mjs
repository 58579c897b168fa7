// The backing services of one Vellum installation: PostgreSQL (DATABASE_URL, or an embedded server with its
// data in dataDir), migrated to the latest schema, and memcached (MEMCACHE_SERVERS, or one we start when the
// binary exists, or else the app's in-process cache). A memcached that merely happens to listen on 11211 is not
// used: it holds rendered HTML, so only a server the operator named or we started ourselves is trusted with it.
// Returns the environment the app needs.
import path from "node:path";
import { say } from "./setup.mjs";
import { startEmbeddedPostgres } from "./postgres.mjs";
import { migrate } from "./migrate.mjs";
import { findMemcached, startMemcached } from "./memcached.mjs";

export async function startServices({ dataDir, pgPort, database = "vellum", cleanups }) {
  let url = process.env.DATABASE_URL;
  if (url) {
    say("using the PostgreSQL at DATABASE_URL");
  } else {
    say("starting the embedded PostgreSQL...");
    const pg = await startEmbeddedPostgres({ dir: dataDir, port: pgPort, database });
    const shown = path.relative(process.cwd(), pg.dataDir);
    say(`PostgreSQL is running (data in ${shown.startsWith("..") ? pg.dataDir : shown})`);
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
