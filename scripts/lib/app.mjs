// Starting the built app: the one way `npm start`, `npm test` and `npm run bench` run an instance.
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "./setup.mjs";

/**
 * Start scripts/serve.mjs on `port` with `env` (on top of this process's environment, in production mode) and
 * resolve with the child once GET /api/health answers 200. Rejects when the app exits first or is not healthy
 * within `timeoutMs`. Its stop (SIGTERM, then wait for exit) is pushed onto `cleanups`.
 * @param {{ port: number, env?: Record<string, string | undefined>, stdio?: import("node:child_process").StdioOptions,
 *   cleanups: (() => Promise<unknown>)[], timeoutMs?: number }} options
 * @returns {Promise<import("node:child_process").ChildProcess>}
 */
export async function startApp({ port, env = {}, stdio = ["ignore", "inherit", "inherit"], cleanups, timeoutMs = 60_000 }) {
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/serve.mjs")], {
    cwd: ROOT,
    stdio,
    env: { ...process.env, NODE_ENV: "production", WEB_CONCURRENCY: "1", ...env, PORT: String(port) },
  });
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve(undefined);
        child.once("exit", () => resolve(undefined));
        child.kill("SIGTERM");
      }),
  );
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app on port ${port} exited (code ${child.exitCode}) while starting`);
    if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false)) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the app on port ${port} did not become healthy within ${timeoutMs / 1000} s`);
}
