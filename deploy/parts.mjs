// The reference deployment's parts: what each is, where it listens, how it is started and how its health is read.
// One table, used by `npm run cluster` (deploy/cluster.mjs) and `npm run test:faults` (deploy/faults.mjs). The
// addresses are the ones written in deploy/'s configuration files; every part has a loopback address of its own.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { probeMemcached } from "../scripts/lib/memcached.mjs";
import { tcpAnswers } from "../scripts/lib/net.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEPLOY = path.join(ROOT, "deploy");
/** Where the deployment keeps its state (data, logs, pids, secrets): the configuration files name it. */
export const DIR = "/var/lib/vellum-cluster";
export const RUN = path.join(DIR, "run");
export const LOG = path.join(DIR, "log");
export const MAIL_DIR = path.join(DIR, "mail");

export const ENTRY = "http://127.0.1.1:8080";
export const PRIMARY_DSN_HOST = "127.0.1.1:5432";
export const STANDBY_DSN_HOST = "127.0.1.1:5433";
export const ETCD = { name: "etcd1", host: "127.0.1.10", port: 2379 };
export const PG_NODES = [
  { name: "pg1", host: "127.0.1.11", port: 5432, rest: 8008 },
  { name: "pg2", host: "127.0.1.12", port: 5432, rest: 8008 },
];
export const VARNISHES = [
  { name: "varnish1", host: "127.0.1.21", port: 6081, purgePort: 6091, adminPort: 6082 },
  { name: "varnish2", host: "127.0.1.22", port: 6081, purgePort: 6091, adminPort: 6082 },
];
export const APPS = [
  { name: "app1", host: "127.0.1.31", port: 3000 },
  { name: "app2", host: "127.0.1.32", port: 3000 },
  { name: "app3", host: "127.0.1.33", port: 3000 },
];
export const MEMCACHEDS = [
  { name: "memcached1", host: "127.0.1.41", port: 11211 },
  { name: "memcached2", host: "127.0.1.42", port: 11211 },
  { name: "memcached3", host: "127.0.1.43", port: 11211 },
];
export const SMTP = { name: "smtp-sink", host: "127.0.1.50", port: 2525 };

/** Debian packages the deployment runs on (installed by `up` when missing, as root). */
export const PACKAGES = [
  { pkg: "haproxy", bin: "/usr/sbin/haproxy" },
  { pkg: "varnish", bin: "/usr/sbin/varnishd" },
  { pkg: "varnish-modules", bin: "/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so" },
  { pkg: "postgresql-15", bin: "/usr/lib/postgresql/15/bin/postgres" },
  { pkg: "patroni", bin: "/usr/bin/patroni" },
  { pkg: "etcd-server", bin: "/usr/bin/etcd" },
  { pkg: "memcached", bin: "/usr/bin/memcached" },
  { pkg: "iptables", bin: "/usr/sbin/iptables" },
];

/** The secrets of this deployment, made on the first `up` and kept owner-only in DIR. */
export function secrets() {
  const file = path.join(DIR, "secrets.json");
  return JSON.parse(readFileSync(file, "utf8"));
}

export function appDatabaseUrl(hostPort = PRIMARY_DSN_HOST) {
  return `postgresql://vellum:${secrets().app}@${hostPort}/vellum`;
}

export function superuserUrl(hostPort = PRIMARY_DSN_HOST, database = "postgres") {
  return `postgresql://postgres:${secrets().superuser}@${hostPort}/${database}`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Wait until `check()` is true (a check that throws counts as false); throws with `what` after `timeoutMs`. */
export async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s (logs in ${LOG})`);
}

export function pidOf(name) {
  const file = path.join(RUN, `${name}.pid`);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  return pid > 0 && alive(pid) ? pid : null;
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Start a long-running part in the background (its own session, so it outlives this command), its output in
 * DIR/log/<name>.log and its pid in DIR/run/<name>.pid.
 */
export function launch(name, command, args, options = {}) {
  mkdirSync(RUN, { recursive: true });
  mkdirSync(LOG, { recursive: true });
  const log = openSync(path.join(LOG, `${name}.log`), "a");
  const child = spawn(command, args, { detached: true, stdio: ["ignore", log, log], cwd: options.cwd ?? DIR, env: options.env ?? process.env, uid: options.uid, gid: options.gid });
  closeSync(log);
  child.unref();
  writeFileSync(path.join(RUN, `${name}.pid`), String(child.pid));
  return child.pid;
}

/** Stop a part: SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
export async function stopPart(name, { signal = "SIGTERM", graceMs = 10_000 } = {}) {
  const pid = pidOf(name);
  if (pid) {
    try {
      process.kill(pid, signal);
    } catch {}
    const deadline = Date.now() + graceMs;
    while (alive(pid) && Date.now() < deadline) await sleep(50);
    if (alive(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
      while (alive(pid)) await sleep(20);
    }
  }
  rmSync(path.join(RUN, `${name}.pid`), { force: true });
}

/** GET a URL with a short deadline: { status, body } or null when it does not answer. */
export async function probe(url, { timeoutMs = 1500, headers = {} } = {}) {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers, redirect: "manual" });
    return { status: r.status, body: await r.text(), headers: r.headers };
  } catch {
    return null;
  }
}

/** Patroni's view of one node: role and state, or null when its REST API does not answer. */
export async function patroniNode(node) {
  const r = await probe(`http://${node.host}:${node.rest}/patroni`);
  if (!r) return null;
  try {
    const j = JSON.parse(r.body);
    const sync = await probe(`http://${node.host}:${node.rest}/sync`);
    const wal = Number(j.xlog?.location ?? j.xlog?.received_location ?? 0);
    return { role: j.role === "master" || j.role === "primary" ? "primary" : j.role, state: j.state, timeline: j.timeline, sync: sync?.status === 200, wal };
  } catch {
    return null;
  }
}

/** Is some node a running primary? */
export async function hasPrimary() {
  return (await Promise.all(PG_NODES.map(patroniNode))).some((p) => p?.role === "primary" && p.state === "running");
}

/** Patroni's maximum_lag_on_failover (deploy/patroni/*.yml): a standby further behind is never promoted. */
const MAX_LAG_ON_FAILOVER = 1024 * 1024;

/**
 * Is there a standby that could take over now: the one Patroni names synchronous, running on the primary's
 * timeline, with WAL received to within maximum_lag_on_failover of the primary's? Patroni's synchronous key alone
 * can still name a standby that has not yet followed a restarted primary onto its new timeline, which Patroni
 * would then refuse to promote.
 */
export async function hasSyncStandby() {
  const nodes = await Promise.all(PG_NODES.map(patroniNode));
  const primary = nodes.find((p) => p?.role === "primary" && p.state === "running");
  return Boolean(primary) && nodes.some((p) => p?.sync && p.state === "running" && p.timeline === primary.timeline && primary.wal - p.wal <= MAX_LAG_ON_FAILOVER);
}

/** The pid of a node's postmaster (from its data folder), or null. */
export function postmasterPid(node) {
  const file = path.join(DIR, node.name, "data", "postmaster.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  return pid > 0 ? pid : null;
}

/** A line per part: kind, name, address, health. */
export async function statusLines() {
  const rows = [];
  const add = (kind, name, address, health) => rows.push([kind, name, address, health]);
  const entry = await probe(`${ENTRY}/api/health`);
  add("haproxy", "haproxy", "127.0.1.1:8080 :5432 :5433", entry?.status === 200 ? "up (the wiki answers through it)" : pidOf("haproxy") ? "running, the wiki does not answer through it" : "down");
  for (const v of VARNISHES) {
    const r = await probe(`http://${v.host}:${v.port}/varnish-health`);
    add("varnish", v.name, `${v.host}:${v.port} (purges :${v.purgePort})`, r?.status === 200 ? "up" : "down");
  }
  for (const a of APPS) {
    const r = await probe(`http://${a.host}:${a.port}/api/health`);
    add("app", a.name, `${a.host}:${a.port}`, r?.status === 200 ? "up" : r ? `unhealthy (${r.status})` : "down");
  }
  for (const m of MEMCACHEDS) add("memcached", m.name, `${m.host}:${m.port}`, (await probeMemcached(m.host, m.port)) ? "up" : "down");
  for (const n of PG_NODES) {
    const p = await patroniNode(n);
    add("postgresql", n.name, `${n.host}:${n.port} (patroni :${n.rest})`, p ? `${p.role}${p.sync ? " (synchronous)" : ""}, ${p.state}, timeline ${p.timeline ?? "?"}` : "down");
  }
  const etcd = await probe(`http://${ETCD.host}:${ETCD.port}/health`);
  add("etcd", ETCD.name, `${ETCD.host}:${ETCD.port}`, etcd?.status === 200 && /"true"/.test(etcd.body) ? "up" : "down");
  add("smtp", SMTP.name, `${SMTP.host}:${SMTP.port}`, (await tcpAnswers(SMTP.host, SMTP.port, { expect: "220" })) ? "up" : "down");
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// accounts, made and signed in through the entry URL (the fault tests, the bench)

/** The password of every account the fault tests and the bench make. */
export const PASSWORD = "faults-password-1";

/** One credentials sign-in through the entry URL, after its CSRF round: the answer, and the cookies before it. */
export async function attemptSignIn(username, password, headers = {}) {
  const csrf = await fetch(`${ENTRY}/api/auth/csrf`);
  const cookies = cookieJar(csrf);
  const { csrfToken } = await csrf.json();
  const res = await fetch(`${ENTRY}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: ENTRY, cookie: cookies, ...headers },
    body: new URLSearchParams({ csrfToken, username, password, json: "true" }),
  });
  return { res, cookies };
}

/** A session for `username`: the cookie header. */
export async function signIn(username) {
  const { res, cookies } = await attemptSignIn(username, PASSWORD);
  const session = cookieJar(res, cookies);
  if (!/session-token/.test(session)) throw new Error(`could not sign ${username} in (${res.status})`);
  return session;
}

function cookieJar(res, before = "") {
  const jar = new Map(before ? before.split("; ").map((c) => c.split(/=(.*)/s).slice(0, 2)) : []);
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const [k, v] = pair.split(/=(.*)/s);
    jar.set(k, v);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** An account with a personal access token. */
export async function person(username) {
  const made = await fetch(`${ENTRY}/api/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ENTRY },
    body: JSON.stringify({ username, email: `${username}@example.test`, password: PASSWORD }),
  });
  if (made.status !== 201) throw new Error(`could not create ${username}: ${made.status} ${await made.text()}`);
  const cookie = await signIn(username);
  const res = await fetch(`${ENTRY}/api/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ENTRY, cookie },
    body: JSON.stringify({ name: "reference deployment" }),
  });
  if (res.status !== 201) throw new Error(`could not make a token for ${username}: ${res.status}`);
  const { token } = await res.json();
  return { username, token, cookie };
}
