// Vellum's HTTP server: Next.js's request handler behind a thin node:http front. The front exists for what
// Next.js cannot do itself: a URL path with malformed percent-encoding gets a clean 400 (Next.js 16 answers 500,
// vercel/next.js#92527), as does one with an empty, "." or ".." segment (which Next.js would merge or resolve
// away). Run by `npm start` and `npm test`; PORT and BIND_ADDRESS say where it listens. WEB_CONCURRENCY > 1 runs
// that many worker processes (node:cluster) sharing the port, so reads use every core.
import cluster from "node:cluster";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { hasSessionCookie } from "../lib/auth/session-cookie.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.BIND_ADDRESS ?? "0.0.0.0";

/**
 * Can this path name anything? Every %-escape must be well formed UTF-8, and no segment may be empty, "." or "..":
 * Next.js would silently merge "a//b" into "a/b" and redirect "a/../b" to "b", so a title with such a subpage
 * name would be taken for another page instead of being refused.
 */
function acceptablePath(url) {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  for (const segment of pathname.split("/").slice(1)) {
    let decoded;
    try {
      decoded = segment.includes("%") ? decodeURIComponent(segment) : segment;
    } catch {
      return false;
    }
    if (decoded === "." || decoded === "..") return false;
  }
  return !pathname.slice(1, -1).includes("//");
}

function badRequest(req, res) {
  const api = req.url.startsWith("/api/");
  const body = api
    ? JSON.stringify({ error: { code: "bad_request", message: "Malformed URL path: bad percent-encoding, or an empty, \".\" or \"..\" segment" } })
    : '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bad request · Vellum</title>' +
      '<link rel="stylesheet" href="/vellum.css"></head><body><main class="page"><h1>Bad request</h1>' +
      '<p class="error-box">This address has malformed percent-encoding or an empty, “.” or “..” segment, so it cannot name a page.</p>' +
      '<p><a href="/wiki/Main_Page">Go to the main page</a></p></main></body></html>';
  res.writeHead(400, {
    "Content-Type": api ? "application/json" : "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

const FRONT_CACHE = Symbol.for("vellum.frontCache");

/** A signed-out GET of an article: the same document for everyone, so the front cache may answer it. */
function isAnonymousView(req) {
  return (
    req.method === "GET" &&
    req.url.startsWith("/wiki/") &&
    !req.url.includes("?") &&
    !req.headers.authorization &&
    !hasSessionCookie(req.headers.cookie)
  );
}

/**
 * Answer from the front cache (lib/cache/front-cache.ts) when it holds this path and PostgreSQL confirms the
 * document still shows the current revision; anything else, or any doubt, goes to Next.js.
 */
async function serveFromFrontCache(req, res, fallback) {
  const cache = globalThis[FRONT_CACHE];
  const entry = cache?.get(req.url);
  if (!entry) return fallback();
  let current;
  try {
    current = await cache.validate(entry.title);
  } catch {
    return fallback();
  }
  if (current !== entry.revisionId) {
    cache.counters.stale++;
    return fallback();
  }
  cache.counters.hits++;
  if (entry.etag && req.headers["if-none-match"] === entry.etag) {
    res.writeHead(304, entry.headers.flat());
    return res.end();
  }
  res.writeHead(200, [...entry.headers.flat(), "Content-Length", String(entry.body.length)]);
  res.end(entry.body);
}

const workers = Number(process.env.WEB_CONCURRENCY ?? 1);

if (workers > 1 && cluster.isPrimary) {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`[vellum] worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    setTimeout(() => cluster.fork(), 1000);
  });
  const stop = () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {});
    if (!alive.length) process.exit(0);
    let left = alive.length;
    for (const w of alive) {
      w.once("exit", () => --left === 0 && process.exit(0));
      w.process.kill("SIGTERM");
    }
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  await serve();
}

async function serve() {
  const app = next({ dev: false, dir: root, port, hostname: "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = http.createServer((req, res) => {
    if (!acceptablePath(req.url ?? "/")) return badRequest(req, res);
    if (isAnonymousView(req)) return serveFromFrontCache(req, res, () => handle(req, res));
    handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, hostname, () => {
    if (!cluster.isWorker || cluster.worker?.id === 1) {
      process.stdout.write(`[vellum] listening on http://localhost:${port}${workers > 1 ? ` with ${workers} workers` : ""}\n`);
    }
  });

  const shutdown = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
