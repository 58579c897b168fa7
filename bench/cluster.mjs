// `npm run bench:cluster`: the signed-out article through the reference deployment's entry URL (haproxy, then a
// Varnish hit) beside one Varnish and one app instance asked directly. Needs `npm run cluster -- up` first.
// wrk, 32 connections, 10 s after 2 s of warm-up, on the same machine as every part of the deployment.
import { ensureWrk, wrk } from "./wrk.mjs";
import { APPS, ENTRY, VARNISHES, probe } from "../deploy/parts.mjs";

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
