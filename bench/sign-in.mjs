// `npm run bench`, signing in (decision 0030): what one sign-in costs, sequentially, with a Vellum password (scrypt)
// and through the directory (Debian's slapd, as `npm test` starts it: a service bind, a search, the person's bind
// and the group search), and what the sign-in page serves. Skipped without slapd.
import { existsSync } from "node:fs";
import path from "node:path";
import { DATA } from "../scripts/lib/setup.mjs";
import { SLAPD, startSlapd } from "../scripts/lib/slapd.mjs";

/** Start the directory for the bench's first instance: its LDAP_* variables, or null without slapd. */
export async function benchDirectory(cleanups) {
  if (!existsSync(SLAPD)) return null;
  const slapd = await startSlapd({ port: Number(process.env.VELLUM_BENCH_LDAP_PORT ?? 3489), dir: path.join(DATA, "bench-slapd") });
  cleanups.push(slapd.stop);
  process.env.TEST_LDAP_URL = slapd.url;
  const { addPerson } = await import("../lib/testing/directory.mjs");
  await addPerson({ uid: "bench_directory", password: "directory password 1", mail: "bench_directory@example.test" }, ["staff", "bench_team"]);
  return slapd.env;
}

/** One sign-in through next-auth's credentials callback; its wall time in ms (throws when it does not sign in). */
async function timedSignIn(fetch, base, username, password) {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = await csrf.json();
  const t = process.hrtime.bigint();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
    body: new URLSearchParams({ csrfToken, username, password, json: "true" }),
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (!res.headers.getSetCookie().some((c) => c.startsWith("next-auth.session-token"))) throw new Error(`bench sign-in of ${username} failed (${res.status})`);
  return ms;
}

/** Median and 90th percentile of `n` sequential sign-ins. */
async function signIns(fetch, base, username, password, n) {
  const times = [];
  for (let i = 0; i < n; i++) times.push(await timedSignIn(fetch, base, username, password));
  times.sort((a, b) => a - b);
  return { p50ms: +times[Math.floor(n / 2)].toFixed(1), p90ms: +times[Math.floor(n * 0.9)].toFixed(1) };
}

/** The rows of the sign-in table (the local account is the bench's admin, made before). */
export async function benchSignIn({ fetch, base, directory }) {
  const rows = { "Vellum password (scrypt), 10 in a row": await signIns(fetch, base, "bench_admin", "bench password 123", 10) };
  if (directory) rows["directory (slapd: bind, search, bind, groups), 30 in a row"] = await signIns(fetch, base, "bench_directory", "directory password 1", 30);
  return rows;
}
