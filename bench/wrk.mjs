// The bench's load generator: wrk (Debian's package), which a single node process on the same two cores cannot
// match (autocannon topped out near 8,000 requests/s here, below what nginx and the front can serve). Each run
// reports through a small Lua `done` hook as one JSON line: requests, bytes, errors, and latency percentiles.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureDebianPackage } from "./debian.mjs";

const WRK = "/usr/bin/wrk";

const REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\n{"requests":%d,"durationUs":%d,"bytes":%d,"socketErrors":%d,"non2xx":%d,"p50us":%d,"p99us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
`;

/** Is wrk there (installed when missing)? */
export function ensureWrk() {
  return ensureDebianPackage(WRK, "wrk", "the bench's load generator");
}

/**
 * `connections` connections for `seconds` against `url` with `headers`: requests per second, p50 and p99 in ms,
 * errors (socket errors and answers other than 2xx/3xx) and bytes per response.
 * @param {string} url @param {{ headers?: Record<string, string>, connections?: number, seconds?: number }} options
 */
export function wrk(url, { headers = {}, connections = 32, seconds = 10 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "vellum-wrk-"));
  try {
    const script = path.join(dir, "report.lua");
    writeFileSync(script, REPORT);
    const args = ["-t2", `-c${connections}`, `-d${seconds}s`, "--timeout", "5s", "-s", script];
    for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
    args.push(url);
    const run = spawnSync(WRK, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    const line = run.stdout.split("\n").reverse().find((l) => l.startsWith("{"));
    if (!line) throw new Error(`wrk ${url} failed: ${run.stderr || run.stdout}`);
    const r = JSON.parse(line);
    return {
      requestsPerSecond: Math.round(r.requests / (r.durationUs / 1e6)),
      p50ms: +(r.p50us / 1000).toFixed(2),
      p99ms: +(r.p99us / 1000).toFixed(2),
      errors: r.socketErrors + r.non2xx,
      bytesPerResponse: Math.round(r.bytes / Math.max(1, r.requests)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
