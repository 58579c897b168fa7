// `npm run bench:cluster`: the signed-out article through the reference deployment's entry URL (haproxy, then a
// Varnish hit) beside one Varnish and one app instance asked directly; and a list no cache answers (a page's
// history asked with a token: the standby's fence, then the standby, decision 0026). Needs `npm run cluster -- up`
// first. wrk, 32 connections, 10 s after 2 s of warm-up, on the same machine as every part of the deployment.
import { ensureWrk, wrk } from "./wrk.mjs";
import { randomBytes } from "node:crypto";
import { APPS, ENTRY, VARNISHES, person, probe } from "../deploy/parts.mjs";

if (!ensureWrk()) throw new Error("the bench needs wrk (apt-get install wrk)");
if ((await probe(`${ENTRY}/api/health`))?.status !== 200) {
  process.stderr.write("the reference deployment is not running: npm run cluster -- up (as root)\n");
  process.exit(1);
}
const path = "/wiki/Main_Page";
const rows = [
  ["entry URL (haproxy, Varnish hit)", `${ENTRY}${path}`],
  ["one Varnish, directly", `http://${VARNISHES[0].host}:${VARNISHES[0].port}${path}`],
  ["one app instance, directly (its front cache)", `http://${APPS[0].host}:${APPS[0].port}${path}`],
];
process.stdout.write("| signed-out article | requests/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n");
for (const [name, url] of rows) {
  wrk(url, { seconds: 2 });
  const r = wrk(url, { seconds: 10 });
  process.stdout.write(`| ${name} | ${r.requestsPerSecond.toLocaleString("en")} | ${r.p50ms} | ${r.p99ms} | ${r.errors} |\n`);
}

// a list read that reaches the database every time: a bearer token passes every cache
const { token } = await person(`bench-${randomBytes(3).toString("hex")}`);
const history = `http://${APPS[0].host}:${APPS[0].port}/api/history/Main_Page?limit=20`;
const headers = { authorization: `Bearer ${token}`, host: new URL(ENTRY).host };
process.stdout.write("\n| a list no cache answers | requests/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n");
wrk(history, { headers, seconds: 2 });
const r = wrk(history, { headers, seconds: 10 });
process.stdout.write(`| history of Main_Page with a token, one app instance directly | ${r.requestsPerSecond.toLocaleString("en")} | ${r.p50ms} | ${r.p99ms} | ${r.errors} |\n`);
