// @ts-check
// Vellum's HTTP server: Next.js's request handler behind a node:http front. The front does what Next.js cannot
// do itself, for every request before Next.js sees it:
//   - a URL path with malformed percent-encoding gets a clean 400 (Next.js 16 answers 500, vercel/next.js#92527),
//     as does one with an empty, "." or ".." segment (which Next.js would merge or resolve away) or a NUL, a query
//     with any of those faults, and a React page whose path names a bad title or whose query is not valid for it
//     (React pages cannot answer 400 themselves);
//   - a request that changes state must name this site's Host, and its Origin must be this site's (or absent, for
//     scripts without a session): the public URL decides, never the request (DNS rebinding, decision 0018);
//   - request bodies are counted as they arrive: past the route's limit the answer is 413 and the rest is not read,
//     whether or not the client declared a Content-Length;
//   - a method the wiki does not answer is 405, a request target that is not a path (`*`, an absolute URL) 400, and
//     so is a request carrying one of Next.js's internal headers (x-middleware-*, x-invoke-*...), which could change
//     what Next.js answers for everyone; an answer sent before the request's body was read whole reads and drops the
//     rest (bounded) or closes the connection, so the client's next request on it is never stuck behind it;
//   - the client's address is determined once (the socket's peer, or with TRUST_PROXY=n the address the n-th
//     trusted proxy reports) and handed to the app in X-Vellum-Client-Ip, overwriting anything a client sent;
//   - every React page gets a nonce-based Content-Security-Policy (a fresh nonce per request, in the request's
//     policy header, where Next.js finds it for its own scripts, and in the response);
//   - documents the app keeps (lib/cache/front-cache.ts: articles for everyone, filled in with who reads them, and
//     pages, lists and API reads per class of reader) are answered from memory, as are file versions (immutable
//     bytes); notices from PostgreSQL drop what a change made stale on every instance before the change answers.
//     A GET of something kept is answered before the checks above: its exact address passed them when it was kept.
//   - with shared HTTP caches in front (PURGE_TARGETS), a signed-out reader's copy of such a document carries the
//     surrogate keys the app purges after every change (decision 0025). Only an answer of the shape its path serves
//     (a 200 with a body of its type: HTML, or an API read's JSON) is kept here or marked for those caches.
// One file: it is the process's entry point, run by node outside Next.js's bundle, and each step above acts on the
// same request and response in order. The rules themselves live in lib/http/front-rules.js and lib/cache.
// Run by `npm start` and `npm test`; PORT and BIND_ADDRESS say where it listens. WEB_CONCURRENCY > 1 runs that
// many worker processes (node:cluster) sharing the port, so reads use every core.
import "./lib/env.mjs"; // an empty variable is an unset one
import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { hasSessionCookie } from "../lib/auth/session-cookie.js";
import { pageContentSecurityPolicy, wantsPagePolicy } from "../lib/http/security-headers.js";
import { acceptablePath, bodyLimit, clientAddress, crossSiteProblem, etagMatches, METHODS, pageTitleProblem, queryProblem, requestHost, requestShapeProblem, shareableAnswer, siteOrigins } from "../lib/http/front-rules.js";
import { escapeHtml } from "../lib/markdown/escape-html.js";
import { CAPTURE_HEADER, CLIENT_IP_HEADER, FRONT_CACHE_KEY, HOT_FILES_KEY, MAIN_PAGE_PATH, MEDIA_PREFIX, TITLE_RULES_SENTENCE } from "../lib/http/names.js";

/** @typedef {import("node:http").IncomingMessage} Request */
/** @typedef {import("node:http").ServerResponse} Response */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.BIND_ADDRESS ?? "0.0.0.0";

const MALFORMED = "This address has malformed percent-encoding or an empty, “.” or “..” segment, so it cannot name a page.";

/** @param {Request} req @param {Response} res @param {string} [message] why (default: a malformed path) */
function badRequest(req, res, message = MALFORMED) {
  const api = (req.url ?? "").startsWith("/api/");
  const body = api
    ? JSON.stringify({ error: { code: "bad_request", message } })
    : '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bad request · Vellum</title>' +
      '<link rel="stylesheet" href="/vellum.css"></head><body><main class="page"><h1>Bad request</h1>' +
      `<p class="error-box">${escapeHtml(message)}</p>` +
      (message.startsWith("Invalid query")
        ? ""
        : `<p>${escapeHtml(TITLE_RULES_SENTENCE)}</p>`) +
      `<p><a href="${MAIN_PAGE_PATH}">Go to the main page</a></p></main></body></html>`;
  res.writeHead(400, {
    "Content-Type": api ? "application/json" : "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** TRUST_PROXY: how many proxies of ours stand in front (0: the socket's peer is the client). Read here, by the front. */
const trustedProxies = Number(process.env.TRUST_PROXY ?? 0);
if (!Number.isInteger(trustedProxies) || trustedProxies < 0 || trustedProxies > 10) {
  process.stderr.write(`[vellum] TRUST_PROXY must be a whole number from 0 to 10 (the proxies in front of the wiki), not "${process.env.TRUST_PROXY}"\n`);
  process.exit(2);
}

/** UPLOAD_MAX_BYTES: the largest file upload (the app reads the same variable, lib/config). */
const uploadMaxBytes = Number(process.env.UPLOAD_MAX_BYTES ?? 100 * 1024 * 1024);
if (!Number.isSafeInteger(uploadMaxBytes) || uploadMaxBytes < 1024) {
  process.stderr.write(`[vellum] UPLOAD_MAX_BYTES must be a whole number of bytes (at least 1024), not "${process.env.UPLOAD_MAX_BYTES}"\n`);
  process.exit(2);
}

/** The public URL (NEXTAUTH_URL, which `npm start` sets) and so the origins that are this site. */
const origins = siteOrigins(process.env.NEXTAUTH_URL ?? `http://localhost:${port}`);

/** @param {Request} req @param {Response} res @param {string} why */
function forbidden(req, res, why) {
  const body = JSON.stringify({ error: { code: "forbidden", message: `Cross-site request refused: ${why}` } });
  res.writeHead(403, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** A request of a shape the wiki does not take (requestShapeProblem): 400 or 405 (with Allow), in JSON. @param {Response} res @param {{ status: number, message: string }} problem */
function refuseShape(res, problem) {
  const body = JSON.stringify({ error: { code: problem.status === 405 ? "method_not_allowed" : "bad_request", message: problem.message } });
  /** @type {Record<string, string | number>} */
  const head = { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" };
  if (problem.status === 405) head.Allow = [...METHODS].join(", ");
  res.writeHead(problem.status, head);
  res.end(body);
}

/** Most of a body the front reads and drops after the app answered without reading it all; past it, the connection closes. */
const DRAIN_MAX_BYTES = 1024 * 1024;
/** How long that may take. */
const DRAIN_MAX_MS = 5000;

/**
 * An answer sent before its request's body was read whole (a refused import, upload or form) must not leave the
 * connection stuck: the client's next request on it would wait behind the unread rest for ever. Once the answer
 * is out, the rest is read and dropped (up to DRAIN_MAX_BYTES, within DRAIN_MAX_MS), else the connection closes.
 * @param {Request} req @param {Response} res
 */
function settleBodyAfterAnswer(req, res) {
  res.once("finish", () => {
    if (req.complete || req.destroyed) return;
    let drained = 0;
    const close = () => req.socket.destroy();
    const timer = setTimeout(close, DRAIN_MAX_MS);
    timer.unref();
    req.on("data", (chunk) => {
      drained += chunk.length;
      if (drained > DRAIN_MAX_BYTES) close();
    });
    req.once("end", () => clearTimeout(timer));
    req.once("close", () => clearTimeout(timer));
    // the app's reader (a web stream over the request) may still listen for "readable", which holds the stream paused
    req.removeAllListeners("readable");
    req.resume();
  });
}

/** @param {Request} req @param {Response} res */
function tooLarge(req, res) {
  if (!res.headersSent) {
    const body = JSON.stringify({ error: { code: "payload_too_large", message: "Request body is too large" } });
    res.writeHead(413, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Connection: "close" });
    // the answer goes out, then the connection closes: the rest of the body is never read
    res.end(body, () => req.socket.destroy());
  } else {
    req.socket.destroy();
  }
}

/**
 * Count the body's bytes as the HTTP parser hands them over (`push` is how it feeds the request stream), so the
 * limit holds however the app reads the body, chunked or not.
 * @param {Request} req
 * @param {Response} res
 */
function limitBody(req, res) {
  const limit = bodyLimit(req.url ?? "/", uploadMaxBytes);
  if (Number(req.headers["content-length"] ?? 0) > limit) {
    tooLarge(req, res);
    return false;
  }
  let seen = 0;
  const push = req.push;
  /** @type {(chunk: any, encoding?: BufferEncoding) => boolean} */
  req.push = function (chunk, encoding) {
    if (chunk !== null) {
      seen += chunk.length;
      if (seen > limit) {
        // fail the stream rather than end it: a reader must never take a cut-off body for a whole one
        tooLarge(req, res);
        req.push = () => false;
        this.destroy(new Error("request body over the limit"));
        return false;
      }
    }
    return push.call(this, chunk, encoding);
  };
  return true;
}


/**
 * Is this a request of Next.js's client router (the flight data of a page, not its HTML)? Never answered from or
 * kept in the front cache.
 * @param {Request} req
 */
function isRouterRequest(req) {
  return req.headers.rsc !== undefined || req.headers["next-router-prefetch"] !== undefined || req.headers["next-router-state-tree"] !== undefined || /[?&]_rsc=/.test(req.url ?? "");
}

/** @returns {import("../lib/cache/front-api").FrontCacheApi | undefined} */
function frontCache() {
  return /** @type {any} */ (globalThis)[FRONT_CACHE_KEY];
}

/**
 * @param {Request} req
 * @returns {import("../lib/cache/front-api").FrontRequest}
 */
function frontRequest(req) {
  return {
    path: req.url ?? "/",
    cookie: req.headers.cookie,
    authorization: req.headers.authorization,
    ifNoneMatch: req.headers["if-none-match"],
    rsc: isRouterRequest(req),
  };
}

/**
 * Answer a GET from the front cache (lib/cache/front-cache.ts) when it holds a current document for it, filled in
 * for this reader; every decision is the cache's. Synchronous when the cache can tell at once (the hot path makes
 * no promise); a promise when it must ask first.
 * @param {Request} req
 * @param {Response} res
 * @returns {boolean | Promise<boolean>} whether it was answered
 */
function serveFromFrontCache(req, res) {
  const cache = frontCache();
  if (!cache || req.method !== "GET") return false;
  /** @param {unknown} e */
  const failed = (e) => {
    process.stderr.write(`[vellum] front cache: ${e}\n`);
    return false;
  };
  try {
    const found = cache.lookup(frontRequest(req));
    return found instanceof Promise ? found.then((answer) => send(res, answer), failed) : send(res, found);
  } catch (e) {
    return failed(e);
  }
}

/**
 * @param {Response} res
 * @param {import("../lib/cache/front-api").FrontAnswer | null} answer
 */
function send(res, answer) {
  if (!answer) return false;
  res.writeHead(answer.status, answer.headers.flat());
  res.end(answer.body ?? undefined);
  return true;
}

/** Largest answer the front holds back to keep; a bigger one is sent on as it comes (and not kept). */
const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

/**
 * When the cache wants Next.js's answer to this request (a page or API read that is the same for every signed-out
 * reader, or for every reader of a class), ask the app for it without who reads it (CAPTURE_HEADER), hold the
 * answer back as it is made, hand it to the cache with the nonce its page was given, and send the requester their
 * copy with their own account links in the slot.
 * @param {Request} req
 * @param {Response} res
 * @param {string | null} nonce
 */
async function captureForFrontCache(req, res, nonce) {
  const cache = frontCache();
  const ticket = cache && req.method === "GET" ? await cache.capture(frontRequest(req)).catch(() => null) : null;
  if (!cache || !ticket) return;
  delete req.headers["accept-encoding"]; // kept as plain text, to be filled in per request
  req.headers[CAPTURE_HEADER] = "1"; // the page leaves out who reads it
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  let status = 200;
  let passing = false;
  /** @type {[string, string][]} headers given to writeHead rather than set */
  const given = [];
  const original = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  const restore = () => Object.assign(res, original);
  /** This requester's copy: their account links in the slot (the one literal occurrence, in the HTML), in bytes. */
  const theirs = (/** @type {Buffer} */ body) => {
    const at = body.indexOf(ticket.marker);
    if (at < 0) return body;
    return Buffer.concat([body.subarray(0, at), Buffer.from(ticket.fill), body.subarray(at + Buffer.byteLength(ticket.marker))]);
  };
  /** @param {any} chunk @param {any} encoding */
  const bytes = (chunk, encoding) =>
    Buffer.isBuffer(chunk) ? chunk : typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? /** @type {BufferEncoding} */ (encoding) : "utf8") : Buffer.from(chunk);
  const sendHead = (/** @type {number | null} */ length) => {
    res.removeHeader("content-length");
    res.removeHeader("transfer-encoding");
    /** @type {Record<string, string>} */
    const head = {};
    for (const [k, v] of given) if (!/^(content-length|transfer-encoding)$/i.test(k)) head[k] = v;
    if (length !== null) head["Content-Length"] = String(length);
    original.writeHead.call(res, status, head);
  };
  /** @type {any} */ (res).writeHead = function (/** @type {number} */ code, /** @type {any[]} */ ...args) {
    status = code;
    const h = typeof args[0] === "object" ? args[0] : args[1];
    if (Array.isArray(h)) for (let i = 0; i + 1 < h.length; i += 2) given.push([String(h[i]), String(h[i + 1])]);
    else if (h) for (const [k, v] of Object.entries(h)) given.push([k, String(v)]);
    return res;
  };
  /** @type {any} */ (res).flushHeaders = () => {};
  /** @type {any} */ (res).write = function (/** @type {any} */ chunk, /** @type {any} */ encoding, /** @type {any} */ cb) {
    const done = typeof encoding === "function" ? encoding : cb;
    if (chunk !== undefined && chunk !== null) {
      const b = bytes(chunk, encoding);
      chunks.push(b);
      size += b.length;
    }
    if (size > MAX_CAPTURE_BYTES) {
      // too big to keep: send what there is, then let the rest pass as it comes
      passing = true;
      restore();
      status = res.statusCode === 200 ? status : res.statusCode;
      sendHead(null);
      return original.write.call(res, theirs(Buffer.concat(chunks.splice(0))), done);
    }
    if (typeof done === "function") process.nextTick(done);
    return true;
  };
  /** @type {any} */ (res).end = function (/** @type {any} */ chunk, /** @type {any} */ encoding, /** @type {any} */ cb) {
    const done = typeof chunk === "function" ? chunk : typeof encoding === "function" ? encoding : cb;
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(bytes(chunk, encoding));
    restore();
    if (passing) return original.end.call(res, Buffer.concat(chunks), done);
    if (res.statusCode !== 200 && status === 200) status = res.statusCode;
    const body = Buffer.concat(chunks);
    /** @type {[string, string][]} */
    const headers = [];
    for (const [k, v] of Object.entries(res.getHeaders())) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) headers.push([k, String(one)]);
    }
    const seen = new Set(headers.map(([k]) => k.toLowerCase()));
    for (const [k, v] of given) if (!seen.has(k.toLowerCase())) headers.push([k, v]);
    // an answer not of the shape the path serves (an empty prefetch answer, whatever asked for it) is nobody's to
    // keep; what the front cache may not keep (an error notice, a read a change overtook), no shared cache keeps either
    const type = headers.find(([k]) => k.toLowerCase() === "content-type")?.[1];
    const shareable = shareableAnswer(req.url ?? "/", status, type, body.length);
    if (!shareable || !cache.keep(ticket, status, headers, body, nonce)) withoutSharedCaching(res);
    const out = theirs(body);
    // the requester's copy says what every later copy says: who may keep it (nobody else, when not shareable)
    res.setHeader("Cache-Control", shareable ? ticket.cacheControl : "private, no-store");
    for (let i = given.length - 1; i >= 0; i--) if (given[i]?.[0].toLowerCase() === "cache-control") given.splice(i, 1);
    sendHead(out.length);
    return original.end.call(res, out, done);
  };
}

/**
 * A signed-out GET of a document that is one for everyone gets the headers that let the shared HTTP caches in
 * front keep it (surrogate keys and max-age, decision 0025), when there are such caches. Anything with a session,
 * a token or from Next.js's client router passes them; the caches refuse to keep anything that sets a cookie.
 * @param {Request} req @param {Response} res
 */
function allowSharedCaching(req, res) {
  if ((req.method !== "GET" && req.method !== "HEAD") || req.headers.authorization || hasSessionCookie(req.headers.cookie) || isRouterRequest(req)) return;
  const headers = frontCache()?.cdnHeaders(req.url ?? "/");
  if (!headers) return;
  for (const [k, v] of headers) res.setHeader(k, v);
  // whatever answered, only an answer of the shape the path serves is marked for the shared caches
  const writeHead = res.writeHead;
  /** @type {any} */ (res).writeHead = function (/** @type {number} */ code, /** @type {any[]} */ ...args) {
    res.writeHead = writeHead;
    const given = typeof args[0] === "object" ? args[0] : args[1];
    const type = headerIn(given, "content-type") ?? res.getHeader("content-type");
    const length = [headerIn(given, "content-length") ?? res.getHeader("content-length")].flat()[0];
    if (!shareableAnswer(req.url ?? "/", code, type, length === undefined ? null : Number(length))) {
      withoutSharedCaching(res);
      if (Array.isArray(given)) for (let i = given.length - 2; i >= 0; i -= 2) if (/^(xkey|surrogate-control)$/i.test(String(given[i]))) given.splice(i, 2);
    }
    return writeHead.call(res, code, ...args);
  };
}

/**
 * A header's value among those given to writeHead (an object, or a flat array of names and values), or undefined.
 * @param {any} given @param {string} name lower case
 * @returns {string | undefined}
 */
function headerIn(given, name) {
  if (Array.isArray(given)) {
    for (let i = 0; i + 1 < given.length; i += 2) if (String(given[i]).toLowerCase() === name) return String(given[i + 1]);
  } else if (given) {
    for (const [k, v] of Object.entries(given)) if (k.toLowerCase() === name) return String(v);
  }
  return undefined;
}

/** @param {Response} res */
function withoutSharedCaching(res) {
  res.removeHeader("xkey");
  res.removeHeader("surrogate-control");
}

/**
 * A file version's response kept by this process (lib/files/hot-files.ts), answered here without Next.js or a
 * database query: its bytes never change, and the app drops it when the File: page is deleted. Byte ranges, and
 * anything not kept, go to Next.js.
 * @param {Request} req
 * @param {Response} res
 * @returns {boolean} whether it was answered
 */
function serveHotFile(req, res) {
  if ((req.method !== "GET" && req.method !== "HEAD") || req.headers.range || !(req.url ?? "").startsWith(MEDIA_PREFIX)) return false;
  /** @type {import("../lib/files/hot-files").HotFilesApi | undefined} */
  const files = /** @type {any} */ (globalThis)[HOT_FILES_KEY];
  const hot = files?.lookup(req.url ?? "");
  if (!hot) return false;
  if (etagMatches(req.headers["if-none-match"], hot.etag)) {
    res.writeHead(304, hot.headers.filter(([k]) => k !== "Content-Length").flat());
    res.end();
    return true;
  }
  res.writeHead(hot.status, hot.headers.flat());
  res.end(req.method === "HEAD" ? undefined : hot.body);
  return true;
}

/**
 * Views asked for once before the port opens, each through the whole front, so the first reader's request costs
 * what the tenth does: Next.js's route modules, the database pools, memcached, the render workers, next-auth (a
 * cookie that names nobody) are all loaded by then. Failures are ignored (a fresh wiki may lack a page).
 * @type {[string, Record<string, string>][]}
 */
const WARM_UP = [
  [MAIN_PAGE_PATH, {}],
  [MAIN_PAGE_PATH, { cookie: "next-auth.session-token=warm-up" }],
  ["/history/Main_Page", {}],
  ["/history/Main_Page", { cookie: "next-auth.session-token=warm-up" }],
  ["/talk/Main_Page", {}],
  ["/recent-changes", {}],
  ["/search?q=main", {}],
  ["/pages", {}],
  ["/api/pages/Main_Page", {}],
  ["/signin", {}],
];

/**
 * @param {(req: Request, res: Response) => unknown} onRequest
 */
async function warmUp(onRequest) {
  const server = http.createServer(onRequest);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  for (const [path, headers] of WARM_UP) {
    await fetch(base + path, { headers, signal: AbortSignal.timeout(10_000) }).then((r) => r.arrayBuffer(), () => null);
  }
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
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
      if (!w) continue;
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

  /** @param {Request} req @param {Response} res */
  const onRequest = (req, res) => {
    const shape = requestShapeProblem(req);
    if (shape) return refuseShape(res, shape);
    allowSharedCaching(req, res);
    // a GET of something kept is answered first: its exact address passed every check below when it was kept, and
    // its answer depends on nothing else of the request but the cookie and If-None-Match
    if (req.method === "GET") {
      if (serveHotFile(req, res)) return;
      const served = serveFromFrontCache(req, res);
      if (served === true) return;
      if (served !== false) {
        void served.then((done) => {
          if (!done) checked(req, res, false);
        });
        return;
      }
      return checked(req, res, false);
    }
    checked(req, res, true);
  };

  /**
   * Every check, then (when `kept`: a HEAD) a kept file version, then Next.js.
   * @param {Request} req @param {Response} res @param {boolean} kept
   */
  const checked = (req, res, kept) => {
    req.headers[CLIENT_IP_HEADER] = clientAddress(req.headers["x-forwarded-for"], req.socket.remoteAddress, trustedProxies);
    if (!acceptablePath(req.url ?? "/")) return badRequest(req, res);
    const titleProblem = pageTitleProblem(req.url ?? "/");
    if (titleProblem) return badRequest(req, res, `Invalid title: ${titleProblem}`);
    const badQuery = queryProblem(req.url ?? "/");
    if (badQuery) return badRequest(req, res, `Invalid query: ${badQuery}`);
    const crossSite = crossSiteProblem(
      {
        method: req.method ?? "GET",
        host: requestHost(req.headers.host, req.headers["x-forwarded-host"], trustedProxies),
        origin: req.headers.origin ?? null,
        referer: req.headers.referer ?? null,
        hasSession: hasSessionCookie(req.headers.cookie),
        hasBearer: /^Bearer\s/i.test(req.headers.authorization ?? ""),
      },
      origins,
    );
    if (crossSite) return forbidden(req, res, crossSite);
    if (req.method !== "GET" && req.method !== "HEAD") {
      if (!limitBody(req, res)) return;
      settleBodyAfterAnswer(req, res);
    }
    delete req.headers["content-security-policy"]; // a client never picks the nonce
    delete req.headers[CAPTURE_HEADER]; // nor asks for a page to be kept
    if (kept && serveHotFile(req, res)) return;
    void toNext(req, res);
  };

  /** Next.js answers: a React page gets its nonce, and the front cache may capture the answer. @param {Request} req @param {Response} res */
  const toNext = async (req, res) => {
    let nonce = null;
    if (wantsPagePolicy(req.url ?? "/")) {
      nonce = randomBytes(16).toString("base64");
      const policy = pageContentSecurityPolicy(nonce);
      req.headers["content-security-policy"] = policy;
      res.setHeader("Content-Security-Policy", policy);
    }
    await captureForFrontCache(req, res, nonce);
    handle(req, res);
  };
  await warmUp(onRequest);
  const server = http.createServer(onRequest);
  server.keepAliveTimeout = 65_000;
  server.listen(port, hostname, () => {
    if (!cluster.isWorker || cluster.worker?.id === 1) {
      process.stdout.write(`[vellum] listening on http://localhost:${port}${workers > 1 ? ` with ${workers} workers` : ""}\n`);
    }
  });

  // SIGTERM: stop accepting, end idle connections, give requests in flight a moment, then go. CPU-heavy work runs
  // in worker threads or under deadlines (docs/decisions/0013), so the event loop is free to notice the signal.
  const shutdown = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections?.();
    setTimeout(() => {
      server.closeAllConnections?.();
      process.exit(0);
    }, 2000).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
