// The backing services of one Vellum installation: PostgreSQL (DATABASE_URL, or an embedded server with its
// data in dataDir), migrated to the latest schema. Returns the environment the app needs.
import path from "node:path";
import { say } from "./setup.mjs";
import { startEmbeddedPostgres } from "./postgres.mjs";
import { migrate } from "./migrate.mjs";

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
  return { DATABASE_URL: url };
}
