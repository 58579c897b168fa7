// `npm test`: lint, type check, unit tests, integration tests against a real PostgreSQL (a fresh database per run)
// and Playwright end-to-end tests against the built app in Chromium, the security suite (e2e/security.spec.ts)
// among them. Starts and stops everything it needs.
//   npm test              every phase
//   npm test -- unit      one phase (lint | typecheck | unit | int | e2e | security; security alone: npm run test:security)
//   npm test -- int lib/wiki/search.int.test.ts   only these test files of the unit and int phases
import "./lib/env.mjs"; // an empty variable is an unset one
import { spawn } from "node:child_process";
import { readdirSync, rmSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { ROOT, DATA, say, run, ensureDependencies, ensurePrismaClient, ensureBuild, ensureSystemPackages } from "./lib/setup.mjs";
import { startApp } from "./lib/app.mjs";

/** The session secret of test instances and integration tests (sessions made in tests are read by the app). */
const TEST_SECRET = "test-secret-not-for-production-0123456789";

const args = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const only = args.filter((a) => a.endsWith(".ts")).map((a) => path.normalize(a));
const phases = args.filter((a) => !a.endsWith(".ts"));
const want = (name) => phases.length === 0 || phases.includes(name);
const cleanups = [];
const TSX = ["--conditions=react-server", "--import", "tsx"];

async function cleanup() {
  // each runs even when one before it throws, synchronously or not (a leftover memcached would hold its port)
  while (cleanups.length) await Promise.resolve().then(cleanups.pop()).catch((e) => console.error("cleanup:", e));
}
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => cleanup().then(() => process.exit(130)));

/** Test files under lib/ ending in `suffix`, excluding the integration ones for unit runs. */
function testFiles(filter) {
  const out = [];
  const visit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "generated") visit(p);
      } else if (filter(e.name) && (!only.length || only.includes(path.relative(ROOT, p)))) out.push(path.relative(ROOT, p));
    }
  };
  visit(path.join(ROOT, "lib"));
  return out.sort();
}

/** Run node's test runner on files, with the TypeScript loader (and `preload`, node options every file's process gets). */
function nodeTest(files, env = {}, extra = [], preload = []) {
  if (!files.length) throw new Error("no test files found");
  run(process.execPath, [...TSX, ...preload, "--test", "--test-reporter=spec", ...extra, ...files], { env: { ...process.env, ...env } });
}

/** A fresh database in the test PostgreSQL (embedded unless TEST_DATABASE_URL names a server). */
async function freshDatabase(name) {
  const { startEmbeddedPostgres, createDatabaseIfMissing, dropDatabase } = await import("./lib/postgres.mjs");
  const { migrate } = await import("./lib/migrate.mjs");
  let base = process.env.TEST_DATABASE_URL;
  if (!base) {
    if (!freshDatabase.server) {
      freshDatabase.server = await startEmbeddedPostgres({
        dir: path.join(DATA, "test"),
        port: Number(process.env.VELLUM_TEST_PG_PORT ?? 54339),
        database: "postgres",
      });
      cleanups.push(freshDatabase.server.stop);
    }
    base = freshDatabase.server.url;
  }
  const url = new URL(base);
  url.pathname = `/vellum_test_${name}_${process.pid}_${Date.now()}`;
  await createDatabaseIfMissing(url.toString());
  cleanups.push(() => dropDatabase(url.toString()));
  await migrate(url.toString());
  return url.toString();
}

const SYSTEM_PACKAGES = [
  { pkg: "chromium", bin: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  { pkg: "memcached", bin: "/usr/bin/memcached" },
  { pkg: "git", bin: "/usr/bin/git" }, // export --history writes a git repository
  { pkg: "slapd", bin: "/usr/sbin/slapd" }, // the directory of the LDAP sign-in tests
];

/** The test directory (scripts/lib/slapd.mjs), started once for the integration and browser phases. */
async function directory() {
  if (!directory.server) {
    const { startSlapd } = await import("./lib/slapd.mjs");
    directory.server = await startSlapd({ port: Number(process.env.VELLUM_TEST_LDAP_PORT ?? 3389), dir: path.join(DATA, "test", "slapd") });
    cleanups.push(directory.server.stop);
  }
  return directory.server;
}

/** The test identity provider (scripts/test-idp.mjs: oidc-provider), for instances on `ports`; returns its issuer. */
async function identityProvider(ports, secret) {
  const port = Number(process.env.VELLUM_TEST_IDP_PORT ?? 3190);
  const redirects = ports.map((p) => `http://localhost:${p}/api/auth/callback/oidc`);
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/test-idp.mjs"), String(port), secret, ...redirects], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "ignore"],
  });
  cleanups.push(() => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill("SIGTERM")))));
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => String(d).includes("ready") && resolve(undefined));
    child.once("exit", (code) => reject(new Error(`the identity provider exited (${code})`)));
  });
  return `http://127.0.0.1:${port}`;
}

/** Where the pid of the test memcached on `port` is kept, so e2e tests can restart it and cleanup can stop it. */
function memcachedPidFile(port) {
  return path.join(DATA, "test", `memcached-${port}.pid`);
}

/** Start one memcached per port; returns MEMCACHE_SERVERS. Stops whichever process holds the pid file at the end. */
async function memcachedServers(ports) {
  const { startMemcached } = await import("./lib/memcached.mjs");
  mkdirSync(path.join(DATA, "test"), { recursive: true });
  for (const port of ports) {
    const pidFile = memcachedPidFile(port);
    const mc = await startMemcached({ port });
    writeFileSync(pidFile, String(mc.pid));
    cleanups.push(async () => {
      await mc.stop();
      // an e2e test may have restarted it: stop that one too
      const pid = Number(readFileSync(pidFile, "utf8"));
      if (pid && pid !== mc.pid) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }
      rmSync(pidFile, { force: true });
    });
  }
  return ports.map((p) => `127.0.0.1:${p}`).join(",");
}

/** The SMTP sink (scripts/smtp-sink.mjs) as a child process: messages land in `dir` as .eml files. */
async function startSmtpSink(port, dir) {
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/smtp-sink.mjs"), String(port), dir], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(() => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill("SIGTERM")))));
  await new Promise((resolve, reject) => {
    child.stdout.once("data", resolve);
    child.once("exit", (code) => reject(new Error(`SMTP sink exited (${code})`)));
  });
}

let failed = false;
try {
  ensureDependencies();
  ensurePrismaClient();
  if (want("lint")) {
    say("lint (ESLint: Next.js and typescript-eslint rules, no warnings allowed)");
    run(process.execPath, [path.join(ROOT, "node_modules/eslint/bin/eslint.js"), "--max-warnings", "0", "."]);
  }
  if (want("typecheck")) {
    say("type check (tsc --noEmit)");
    run(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.check.json"]);
  }
  if (want("unit")) {
    say("unit tests");
    nodeTest(testFiles((n) => n.endsWith(".test.ts") && !n.endsWith(".int.test.ts")));
  }
  const browserPhase = want("e2e") || want("security");
  if (want("int") || browserPhase) ensureSystemPackages(SYSTEM_PACKAGES);
  if (want("int")) {
    const template = await freshDatabase("int");
    say("schema check (schema.prisma against the migrations, with Prisma's engine)");
    run(process.execPath, [path.join(ROOT, "scripts/migration.mjs"), "check"], { env: { ...process.env, DATABASE_URL: template } });
    say("integration tests (real PostgreSQL, real memcached; each file its own database, two files at a time)");
    const servers = await memcachedServers([11411, 11412]);
    const { dropCopiesOf } = await import("./lib/postgres.mjs");
    cleanups.push(() => dropCopiesOf(template));
    // each file's process copies the migrated template into a database of its own (lib/testing/database.mjs);
    // the integration tests drive the outbox themselves: no background mail worker
    const env = {
      TEST_LDAP_URL: (await directory()).url,
      TEST_TEMPLATE_DATABASE_URL: template,
      MEMCACHE_SERVERS: servers,
      MAIL_WORKER: "off",
      MAIL_DIR: path.join(DATA, "test", "mail-int"),
      NEXTAUTH_SECRET: TEST_SECRET,
    };
    // a hot standby of the embedded test cluster, for the tests of reads from a standby (lib/db/replica.int.test.ts)
    let standby = null;
    if (freshDatabase.server) {
      const { startStandby } = await import("./lib/postgres.mjs");
      standby = await startStandby(freshDatabase.server, { port: Number(process.env.VELLUM_TEST_STANDBY_PORT ?? 54340) });
      cleanups.push(async () => standby?.stop());
      env.TEST_STANDBY_URL = standby.url;
    }
    nodeTest(testFiles((n) => n.endsWith(".int.test.ts")), env, ["--test-concurrency=2"], ["--import", "./lib/testing/database.mjs"]);
    // not needed by what follows: stop it now rather than let it replay the browser tests' writes
    await standby?.stop();
    standby = null;
  }
  if (browserPhase) {
    ensureBuild();
    const url = await freshDatabase("e2e");
    const memcachedPort = 11421;
    const servers = await memcachedServers([memcachedPort]);
    const port = Number(process.env.VELLUM_TEST_PORT ?? 3100);
    const base = `http://localhost:${port}`;
    const second = `http://localhost:${port + 1}`;
    say(`${want("e2e") ? "end-to-end and security" : "security"} tests (Playwright, Chromium) against ${base} and ${second}, sharing PostgreSQL and memcached`);
    const mailDir = path.join(DATA, "test", "mail-e2e");
    rmSync(mailDir, { recursive: true, force: true });
    const smtpPort = 2526;
    await startSmtpSink(smtpPort, mailDir);
    const appEnv = {
      DATABASE_URL: url,
      MEMCACHE_SERVERS: servers,
      NEXTAUTH_SECRET: TEST_SECRET,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      // small enough that the security suite sends a body past it in moments
      UPLOAD_MAX_BYTES: String(16 * 1024 * 1024),
    };
    // instance B believes a shared HTTP cache stands in front (decision 0025): a listener that acknowledges every
    // purge, so B's documents carry surrogate keys and its changes purge (the security suite checks what carries them)
    const purgeSink = http.createServer((req, res) => res.writeHead(req.method === "PURGE" ? 200 : 405).end());
    await new Promise((resolve) => purgeSink.listen(0, "127.0.0.1", () => resolve(undefined)));
    cleanups.push(() => new Promise((resolve) => purgeSink.close(() => resolve(undefined))));
    const purgeTargets = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (purgeSink.address()).port}`;
    // signing in as an organisation (decision 0030): every instance knows the test identity provider and directory;
    // a third instance signs people in through them only (LOCAL_SIGN_IN=off)
    const third = `http://localhost:${port + 2}`;
    const slapd = await directory();
    const idpSecret = "test-oidc-client-secret";
    const issuer = await identityProvider([port, port + 1, port + 2], idpSecret);
    const organisation = {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: "vellum",
      OIDC_CLIENT_SECRET: idpSecret,
      OIDC_NAME: "Example SSO",
      OIDC_ADMIN_GROUPS: "wiki-admins",
      OIDC_EDITOR_GROUPS: "wiki-editors",
      OIDC_DEFAULT_ROLE: "reader",
      ...slapd.env,
      LDAP_ADMIN_GROUPS: "wiki-admins",
      LDAP_EDITOR_GROUPS: "wiki-editors",
      LDAP_DEFAULT_ROLE: "reader",
    };
    // one process per instance, so each instance's /api/cache/stats counts all of its work
    const stdio = ["ignore", "ignore", "inherit"];
    await Promise.all([
      startApp({ port, env: { ...appEnv, ...organisation, NEXTAUTH_URL: base }, stdio, cleanups }),
      startApp({ port: port + 1, env: { ...appEnv, ...organisation, NEXTAUTH_URL: second, PURGE_TARGETS: purgeTargets }, stdio, cleanups }),
      startApp({ port: port + 2, env: { ...appEnv, ...organisation, NEXTAUTH_URL: third, LOCAL_SIGN_IN: "off" }, stdio, cleanups }),
    ]);
    const out = path.join(DATA, "playwright");
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const extra = process.env.E2E_ARGS ? process.env.E2E_ARGS.split(" ") : []; // e.g. "--grep stress --repeat-each 3"
    if (!want("e2e")) extra.push("e2e/security.spec.ts", "e2e/security-spaces.spec.ts", "e2e/security-sign-in.spec.ts"); // the security suite alone
    run(process.execPath, [path.join(ROOT, "node_modules/@playwright/test/cli.js"), "test", ...extra], {
      env: {
        ...process.env,
        E2E_BASE_URL: base,
        E2E_SECOND_URL: second,
        E2E_SSO_ONLY_URL: third,
        E2E_IDP_URL: issuer,
        E2E_SLAPD_PID: String(slapd.pid),
        TEST_LDAP_URL: slapd.url,
        E2E_DATABASE_URL: url,
        E2E_MEMCACHED_PORT: String(memcachedPort),
        E2E_MEMCACHED_PIDFILE: memcachedPidFile(memcachedPort),
        E2E_MAIL_DIR: mailDir,
        E2E_UPLOAD_MAX_BYTES: appEnv.UPLOAD_MAX_BYTES,
      },
    });
  }
} catch (e) {
  failed = true;
  console.error(`[vellum] tests failed: ${e instanceof Error ? e.message : e}`);
} finally {
  await cleanup();
}
say(failed ? "FAILED" : "all tests passed");
process.exit(failed ? 1 : 0);
