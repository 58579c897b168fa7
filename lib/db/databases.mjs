// Creating and dropping whole databases on a PostgreSQL server: the embedded cluster's start (scripts/), the test
// runner's throw-away databases and each integration test file's copy of the template (lib/testing/database.mjs).
// Plain JavaScript: scripts and test preloads run it without the TypeScript loader. lib/ never imports scripts/;
// scripts import this.
import pg from "pg";

/** Run `fn` with a client on the `postgres` database of the server `url` names, and the database name of `url`. */
async function onServer(url, fn) {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await fn(client, decodeURIComponent(new URL(url).pathname.slice(1)));
  } finally {
    await client.end();
  }
}

const quoted = (name) => `"${name.replaceAll('"', '""')}"`;

/**
 * Create the database named in `url` when it is missing; with `template`, as a copy of that database of the same
 * server (which nobody may be connected to).
 */
export function createDatabaseIfMissing(url, { template } = {}) {
  return onServer(url, async (client, name) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${quoted(name)}${template ? ` TEMPLATE ${quoted(template)}` : ""}`);
  });
}

/** Drop the database named in `url` (used by tests for their per-run database). */
export function dropDatabase(url) {
  return onServer(url, (client, name) => client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`));
}

/** Drop every database whose name starts with the name in `url` and an underscore (the copies made from it). */
export function dropCopiesOf(url) {
  return onServer(url, async (client, name) => {
    const { rows } = await client.query("SELECT datname FROM pg_database WHERE starts_with(datname, $1 || '_')", [name]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${quoted(datname)} WITH (FORCE)`);
  });
}
