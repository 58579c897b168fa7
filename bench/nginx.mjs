// The bench's yardstick: Debian's nginx serving files (the practical limit of this machine for a document of that
// size, with the load generator on the same cores). Installed when missing (bench/debian.mjs); run in the
// foreground on a loopback address of its own.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ensureDebianPackage } from "./debian.mjs";

const NGINX = "/usr/sbin/nginx";

/** A free port on `host`. */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Serve `files` ({name: bytes}) with nginx on 127.0.1.10; returns the base URL and a stop function, or null when
 * nginx cannot be had.
 */
export async function startNginx(files) {
  if (!ensureDebianPackage(NGINX, "nginx", "the bench's yardstick")) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), "vellum-nginx-"));
  chmodSync(dir, 0o755); // nginx's workers (nobody) read the files
  const www = path.join(dir, "www");
  mkdirSync(www, { mode: 0o755 });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(www, name), bytes, { mode: 0o644 });
  const host = "127.0.1.10";
  const port = await freePort(host);
  const temp = (name) => `${name}_temp_path ${path.join(dir, name)};`;
  writeFileSync(
    path.join(dir, "nginx.conf"),
    `worker_processes auto; daemon off; pid ${path.join(dir, "nginx.pid")}; error_log ${path.join(dir, "error.log")} warn;
     events { worker_connections 1024; }
     http {
       access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
       types { text/html html; image/jpeg jpg; }
       ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join(" ")}
       server { listen ${host}:${port}; root ${www}; }
     }\n`,
  );
  const child = spawn(NGINX, ["-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://${host}:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${base}/${Object.keys(files)[0]}`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base,
    stop: async () => {
      child.kill("SIGQUIT");
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
