// `npm run cluster -- up | down | status`: Vellum's reference deployment on this machine (docs/deploy.md).
//   up      install what is missing (Debian packages, as root), build, then start every part on its own loopback
//           address: etcd, PostgreSQL 15 primary and synchronous standby under Patroni, haproxy, a memcached pool
//           of three, the SMTP sink, three app instances and two Varnish caches; prints the entry URL last.
//           Parts already running are left alone, so `up` also restarts whatever died.
//   down    stop every part (data is kept in /var/lib/vellum-cluster; `down --wipe` removes it too)
//   status  a line per part: kind, name, address, health
import "../scripts/lib/env.mjs"; // an empty variable is an unset one
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import {
  APPS, DEPLOY, DIR, ENTRY, ETCD, MAIL_DIR, MEMCACHEDS, PACKAGES, PG_NODES, PRIMARY_DSN_HOST, ROOT, SMTP, STANDBY_DSN_HOST, VARNISHES,
  appDatabaseUrl, hasPrimary, hasSyncStandby, launch, patroniNode, pidOf, postmasterPid, probe, secrets, statusLines, stopPart, superuserUrl, until,
} from "./parts.mjs";
import { probeMemcached, findMemcached } from "../scripts/lib/memcached.mjs";
import { tcpAnswers } from "../scripts/lib/net.mjs";

const say = (m) => process.stdout.write(`[cluster] ${m}\n`);

function ids(user) {
  return { uid: Number(execFileSync("id", ["-u", user]).toString()), gid: Number(execFileSync("id", ["-g", user]).toString()) };
}

/** Debian packages, installed when missing. postgresql-common must not make and start a cluster of its own. */
async function ensurePackages() {
  const missing = PACKAGES.filter(({ bin }) => !existsSync(bin));
  if (!missing.length) return;
  mkdirSync("/etc/postgresql-common/createcluster.d", { recursive: true });
  writeFileSync("/etc/postgresql-common/createcluster.d/vellum-no-main-cluster.conf", "create_main_cluster = false\n");
  const { ensureSystemPackages } = await import("../scripts/lib/setup.mjs");
  ensureSystemPackages(missing);
}

function ensureSecrets() {
  mkdirSync(DIR, { recursive: true, mode: 0o755 });
  chmodSync(DIR, 0o755);
  const file = path.join(DIR, "secrets.json");
  if (!existsSync(file)) {
    const s = () => randomBytes(18).toString("base64url");
    writeFileSync(file, JSON.stringify({ superuser: s(), replication: s(), rewind: s(), app: s(), nextauth: randomBytes(32).toString("base64url"), varnish: s() }, null, 2), { mode: 0o600 });
  }
  const varnishSecret = path.join(DIR, "varnish-secret");
  if (!existsSync(varnishSecret)) writeFileSync(varnishSecret, secrets().varnish + "\n", { mode: 0o600 });
}

async function startEtcd() {
  if (pidOf("etcd")) return;
  mkdirSync(path.join(DIR, "etcd"), { recursive: true, mode: 0o700 });
  launch("etcd", "/usr/bin/etcd", ["--config-file", path.join(DEPLOY, "etcd/etcd.yml")]);
  await until("etcd answering", async () => (await probe(`http://${ETCD.host}:${ETCD.port}/health`))?.status === 200);
}

/** Patroni runs as the postgres user, from a copy of its configuration that user can read. */
export async function startPatroni(node) {
  if (pidOf(node.name)) return;
  const pgUser = ids("postgres");
  const home = path.join(DIR, node.name);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  chownSync(home, pgUser.uid, pgUser.gid);
  const config = path.join(home, "patroni.yml");
  copyFileSync(path.join(DEPLOY, `patroni/${node.name}.yml`), config);
  chownSync(config, pgUser.uid, pgUser.gid);
  const s = secrets();
  launch(node.name, "/usr/bin/patroni", [config], {
    ...pgUser,
    cwd: home,
    env: {
      PATH: "/usr/bin:/bin",
      HOME: home,
      PATRONI_SUPERUSER_PASSWORD: s.superuser,
      PATRONI_REPLICATION_PASSWORD: s.replication,
      PATRONI_REWIND_PASSWORD: s.rewind,
    },
  });
}

async function startPostgres() {
  for (const n of PG_NODES) await startPatroni(n);
  await until("a PostgreSQL primary", hasPrimary, 180_000);
  await until("a synchronous standby", hasSyncStandby, 180_000);
}

async function startHaproxy() {
  if (!pidOf("haproxy")) launch("haproxy", "/usr/sbin/haproxy", ["-db", "-f", path.join(DEPLOY, "haproxy/haproxy.cfg")]);
  const [host, port] = PRIMARY_DSN_HOST.split(":");
  await until("haproxy's PostgreSQL listener", () => tcpAnswers(host, Number(port)));
}

/** The wiki's role and database (made once, through haproxy, on whichever node is primary), then its schema. */
async function prepareDatabase() {
  const { default: pg } = await import("pg"); // installed by up(), which may be the first command of a checkout
  // haproxy counts a server up until its first checks say otherwise: wait until five connections in a row reach
  // the primary
  let inARow = 0;
  await until("the primary through haproxy", async () => {
    const c = new pg.Client({ connectionString: superuserUrl() });
    try {
      await c.connect();
      const { rows } = await c.query("SELECT pg_is_in_recovery() AS standby");
      inARow = rows[0].standby ? 0 : inARow + 1;
    } catch {
      inARow = 0;
    } finally {
      await c.end().catch(() => {});
    }
    return inARow >= 5;
  }, 60_000);
  const c = new pg.Client({ connectionString: superuserUrl() });
  await c.connect();
  try {
    const role = await c.query("SELECT 1 FROM pg_roles WHERE rolname = 'vellum'");
    if (!role.rowCount) await c.query(`CREATE ROLE vellum LOGIN PASSWORD '${secrets().app}'`);
    const database = await c.query("SELECT 1 FROM pg_database WHERE datname = 'vellum'");
    if (!database.rowCount) await c.query("CREATE DATABASE vellum OWNER vellum");
  } finally {
    await c.end();
  }
  const { migrate } = await import("../scripts/lib/migrate.mjs");
  const applied = await migrate(appDatabaseUrl(), { log: (m) => say(m) });
  if (!applied.length) say("database schema is up to date");
}

export async function startMemcached(m) {
  if (pidOf(m.name)) return;
  launch(m.name, findMemcached(), ["-l", m.host, "-p", String(m.port), "-U", "0", "-m", "64", "-I", "1m", "-c", "1024", "-u", "memcache"]);
  await until(`${m.name} answering`, () => probeMemcached(m.host, m.port), 10_000);
}

export async function startSmtp() {
  if (pidOf(SMTP.name)) return;
  launch(SMTP.name, process.execPath, [path.join(ROOT, "scripts/smtp-sink.mjs"), String(SMTP.port), MAIL_DIR, SMTP.host], { cwd: ROOT });
  await until("the SMTP sink", () => tcpAnswers(SMTP.host, SMTP.port, { expect: "220" }), 10_000);
}

/** One app instance's environment: the same for all but its own address. */
export function appEnv(app) {
  const s = secrets();
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(app.port),
    BIND_ADDRESS: app.host,
    WEB_CONCURRENCY: "1",
    DATABASE_URL: appDatabaseUrl(),
    DATABASE_REPLICA_URL: appDatabaseUrl(STANDBY_DSN_HOST),
    MEMCACHE_SERVERS: MEMCACHEDS.map((m) => `${m.host}:${m.port}`).join(","),
    NEXTAUTH_URL: ENTRY,
    NEXTAUTH_SECRET: s.nextauth,
    SMTP_URL: `smtp://${SMTP.host}:${SMTP.port}`,
    // haproxy, then Varnish: the client's address is the one haproxy appended
    TRUST_PROXY: "2",
    PURGE_TARGETS: VARNISHES.map((v) => `http://${v.host}:${v.purgePort}`).join(","),
    MAIL_RETRY_SECONDS: "5",
  };
}

export async function startApp(app) {
  if (pidOf(app.name)) return;
  launch(app.name, process.execPath, [path.join(ROOT, "scripts/serve.mjs")], { cwd: ROOT, env: appEnv(app) });
  await until(`${app.name} healthy`, async () => (await probe(`http://${app.host}:${app.port}/api/health`))?.status === 200, 120_000);
}

export async function startVarnish(v) {
  if (pidOf(v.name)) return;
  const work = path.join(DIR, v.name);
  mkdirSync(work, { recursive: true });
  // Varnish reads its VCL as its own user, who may not enter the checkout (a root's clone in /root): a copy
  const vcl = path.join(DIR, "vellum.vcl");
  copyFileSync(path.join(DEPLOY, "varnish/vellum.vcl"), vcl);
  chmodSync(vcl, 0o644);
  launch(v.name, "/usr/sbin/varnishd", [
    "-F", "-n", work, "-i", v.name,
    "-a", `${v.host}:${v.port}`, "-a", `purge=${v.host}:${v.purgePort}`,
    "-T", `${v.host}:${v.adminPort}`, "-S", path.join(DIR, "varnish-secret"),
    "-f", vcl, "-s", "malloc,256m",
  ]);
  await until(`${v.name} answering`, async () => (await probe(`http://${v.host}:${v.port}/varnish-health`))?.status === 200, 30_000);
}

export async function up() {
  if (process.getuid?.() !== 0) throw new Error("the reference deployment runs its parts as their own users: run it as root");
  await ensurePackages();
  const setup = await import("../scripts/lib/setup.mjs");
  setup.ensureDependencies();
  setup.ensurePrismaClient();
  setup.ensureBuild();
  ensureSecrets();
  mkdirSync(MAIL_DIR, { recursive: true, mode: 0o700 });
  say("etcd");
  await startEtcd();
  say("PostgreSQL under Patroni (primary and synchronous standby)");
  await startPostgres();
  say("haproxy");
  await startHaproxy();
  await prepareDatabase();
  say("memcached pool");
  await Promise.all(MEMCACHEDS.map(startMemcached));
  say("SMTP sink");
  await startSmtp();
  say("app instances");
  for (const a of APPS) await startApp(a);
  say("Varnish caches");
  await Promise.all(VARNISHES.map(startVarnish));
  await until("the wiki through the entry address", async () => (await probe(`${ENTRY}/api/health`))?.status === 200, 30_000);
  await status();
  process.stdout.write(`${ENTRY}/\n`);
}

export async function down({ wipe = false } = {}) {
  // front to back: nothing is left talking to a part that is already gone
  await stopPart("haproxy");
  await Promise.all(VARNISHES.map((v) => stopPart(v.name)));
  await Promise.all(APPS.map((a) => stopPart(a.name)));
  await Promise.all([...MEMCACHEDS.map((m) => stopPart(m.name)), stopPart(SMTP.name)]);
  // Patroni stops its PostgreSQL on SIGTERM: the standby first (so the primary stays primary, no failover on the
  // way down); a postmaster left by a killed Patroni is stopped by its pid file
  const roles = await Promise.all(PG_NODES.map(patroniNode));
  for (const n of [...PG_NODES].sort((a, b) => Number(roles[PG_NODES.indexOf(a)]?.role === "primary") - Number(roles[PG_NODES.indexOf(b)]?.role === "primary"))) {
    await stopPart(n.name, { graceMs: 30_000 });
  }
  for (const n of PG_NODES) stopOrphanPostmaster(n);
  await stopPart("etcd");
  if (wipe) rmSync(DIR, { recursive: true, force: true });
}

/** A postmaster whose Patroni was killed keeps running: stop it (fast shutdown) so the node can start again. */
export function stopOrphanPostmaster(node) {
  const pid = postmasterPid(node);
  try {
    if (pid) process.kill(pid, "SIGINT");
  } catch {}
}

async function status() {
  const rows = await statusLines();
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) process.stdout.write(`${r.slice(0, 3).map((c, i) => c.padEnd(widths[i])).join("  ")}  ${r[3]}\n`);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.join(DEPLOY, "cluster.mjs");
if (isMain) {
  const [command, ...flags] = process.argv.slice(2);
  try {
    if (command === "up") await up();
    else if (command === "down") await down({ wipe: flags.includes("--wipe") });
    else if (command === "status") await status();
    else {
      process.stderr.write("usage: npm run cluster -- up | down [--wipe] | status\n");
      process.exit(2);
    }
  } catch (e) {
    process.stderr.write(`[cluster] ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  }
}
