// memcached for `npm start` and `npm test`: find the binary, start it as a child on loopback, probe a server.
import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tcpAnswers } from "./net.mjs";

/** The memcached binary, or null when it is not installed. */
export function findMemcached() {
  for (const p of ["/usr/bin/memcached", "/usr/local/bin/memcached", "/usr/sbin/memcached"]) if (existsSync(p)) return p;
  try {
    return execFileSync("sh", ["-c", "command -v memcached"]).toString().trim() || null;
  } catch {
    return null;
  }
}

/** Does a memcached answer `version` at host:port within a second? */
export function probeMemcached(host, port) {
  return tcpAnswers(host, port, { say: "version\r\n", expect: "VERSION" });
}

function userExists(name) {
  try {
    execFileSync("id", [name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Start memcached on 127.0.0.1:port in the foreground as our child; resolves once it answers. As root it drops
 * to the `memcache` user (or `nobody`). `stop()` ends it.
 */
export async function startMemcached({ port, memoryMb = 64, binary = findMemcached() }) {
  if (!binary) throw new Error("memcached is not installed (apt-get install memcached)");
  const args = ["-l", "127.0.0.1", "-p", String(port), "-U", "0", "-m", String(memoryMb), "-I", "1m", "-c", "1024"];
  if (process.getuid?.() === 0) args.push("-u", userExists("memcache") ? "memcache" : "nobody");
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`memcached exited: ${stderr.trim() || `code ${child.exitCode}`}`);
    if (await probeMemcached("127.0.0.1", port)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!(await probeMemcached("127.0.0.1", port))) throw new Error(`memcached did not answer on port ${port}`);
  // memcached's SIGTERM waits for connected clients to hang up; after 2 s we stop waiting.
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.exitCode === null && !child.signalCode && child.kill("SIGKILL"), 2000).unref();
    });
  return { servers: `127.0.0.1:${port}`, pid: child.pid, args, binary, stop };
}
