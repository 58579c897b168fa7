// The database (and memcached) a shell tool works on (`npm run import:mediawiki`, `export`, `backup`, `restore`):
// DATABASE_URL when set; else the embedded PostgreSQL of `npm start`, used while the wiki runs (never stopped
// under it) or started for the tool alone when it does not. Migrated either way. MEMCACHE_SERVERS when set, else
// the memcached `npm start` runs, when it is up.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DATA, say } from "./setup.mjs";
import { startEmbeddedPostgres } from "./postgres.mjs";
import { migrate } from "./migrate.mjs";
import { probeMemcached } from "./memcached.mjs";

/** Can a client sign in to `url` now? */
async function reachable(url) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The environment a tool needs (DATABASE_URL, MEMCACHE_SERVERS); what it started is stopped by `cleanups`. */
export async function toolServices(cleanups) {
  let url = process.env.DATABASE_URL;
  if (url) {
    say("using the PostgreSQL at DATABASE_URL");
  } else {
    const dir = path.join(DATA, "dev");
    const port = Number(process.env.VELLUM_PG_PORT ?? 54329);
    const passwordFile = path.join(dir, "pg-password");
    const running = existsSync(passwordFile)
      ? `postgresql://postgres:${encodeURIComponent(readFileSync(passwordFile, "utf8").trim())}@127.0.0.1:${port}/vellum`
      : null;
    if (running && (await reachable(running))) {
      say("using the embedded PostgreSQL of the running wiki");
      url = running;
    } else {
      say("starting the embedded PostgreSQL...");
      const pg = await startEmbeddedPostgres({ dir, port, database: "vellum" });
      cleanups.push(pg.stop);
      url = pg.url;
    }
  }
  await migrate(url, { log: (m) => say(m) });
  const env = { DATABASE_URL: url };
  if (process.env.MEMCACHE_SERVERS) return { ...env, MEMCACHE_SERVERS: process.env.MEMCACHE_SERVERS };
  const port = Number(process.env.VELLUM_MEMCACHED_PORT ?? 11311);
  return (await probeMemcached("127.0.0.1", port)) ? { ...env, MEMCACHE_SERVERS: `127.0.0.1:${port}` } : env;
}
