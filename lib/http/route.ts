import "server-only";
import { awaitAcknowledgements } from "@/lib/cache/coherence";
import { awaitPurges } from "@/lib/cache/cdn";
import type { NextRequest } from "next/server";
import type { ZodType } from "zod";
import type { CurrentUser } from "@/lib/auth/session";
import { hasSessionCookie } from "@/lib/auth/session-cookie.js";
import { userForToken } from "@/lib/auth/tokens";
import { AppError, PAYLOAD_TOO_LARGE } from "@/lib/errors";
import { isTimeout } from "@/lib/db/transaction";
import { getConfig } from "@/lib/config";
import { bodyLimit, crossSiteProblem, hasUnstorableText } from "./front-rules";
import { siteOriginSet } from "./site";
import { titleFromPath } from "@/lib/wiki/titles";
import { accessOf, type Access } from "@/lib/auth/access";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type Params = Record<string, string | string[] | undefined>;

export type HandlerContext<B, A extends boolean> = {
  req: NextRequest;
  params: Params;
  body: B;
  user: A extends true ? CurrentUser : CurrentUser | null;
  /** How the user was authenticated: a session cookie or a bearer token (null when signed out). */
  via: "session" | "token" | null;
  /** What the requester may read (signed in or not, whether or not the route asked for the user): decision 0029. */
  access: Access;
  /**
   * Run `fn` once every instance has acknowledged the change (before the answer is sent): warming what the change
   * made stale, which a read before the acknowledgements could not keep. Its failure never fails the change.
   */
  afterAcknowledged: (fn: () => Promise<unknown>) => void;
};

type Options<B, A extends boolean> = {
  /** Require a signed-in user (401 otherwise). */
  auth?: A;
  /** Load the signed-in user, if any, without requiring one (implied by `auth`). */
  optionalUser?: boolean;
  /** Schema for the JSON body; unknown fields are rejected by the schema's strictness. */
  body?: ZodType<B>;
};

/** A JSON response with the given status and headers. */
export function json(data: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(data, { status: init.status ?? 200, headers: { "Cache-Control": "no-store", ...init.headers } });
}

/**
 * The contract's error body. Details (e.g. `current` of an edit conflict) are given both inside `error` and at
 * the top level, so clients reading either place find them.
 */
export function errorResponse(e: AppError): Response {
  const retry = typeof e.details.retryAfter === "number" ? { "Retry-After": String(e.details.retryAfter) } : undefined;
  return json({ ...e.details, error: { code: e.code, message: e.message, ...e.details } }, { status: e.status, headers: retry });
}

/**
 * Wrap a route handler: CSRF origin check on state-changing requests, session, body parsing and validation,
 * and the translation of errors into the contract's JSON bodies. The handler returns data (sent as 200 JSON) or
 * a Response.
 */
export function route<B = undefined, A extends boolean = false>(
  options: Options<B, A>,
  fn: (ctx: HandlerContext<B, A>) => Promise<unknown>,
) {
  return async (req: NextRequest, context: { params?: Promise<Params> }): Promise<Response> => {
    const after: (() => Promise<unknown>)[] = [];
    try {
      const bearer = bearerToken(req);
      // Bearer requests carry their credential explicitly, so a foreign page cannot forge them: no origin check.
      if (STATE_CHANGING.has(req.method) && bearer === null) checkOrigin(req);
      const wantsUser = options.auth || options.optionalUser;
      let user: CurrentUser | null = null;
      if (bearer !== null) {
        user = await userForToken(bearer);
        if (!user) throw new AppError("unauthorized", "Unknown, revoked or expired access token");
      } else if (wantsUser && hasSessionCookie(req.headers.get("cookie"))) {
        // loaded on first use: next-auth's modules are needed only by requests that carry a session
        const { getCurrentUser } = await import("@/lib/auth/session");
        user = await getCurrentUser();
      }
      if (options.auth && !user) throw new AppError("unauthorized", "Sign in first");
      // every read is made for its reader: a route that did not ask for the user still reads as them
      let access = await accessOf(user);
      if (!user && bearer === null && !wantsUser && hasSessionCookie(req.headers.get("cookie"))) {
        const { readerOf } = await import("@/lib/auth/session-reader");
        const who = await readerOf(req.headers.get("cookie") ?? undefined);
        if (who) access = await accessOf(who.reader);
      }
      const body = options.body ? await readBody(req, options.body) : (undefined as B);
      const params = (await context.params) ?? {};
      const via = user ? (bearer !== null ? "token" : "session") : null;
      const afterAcknowledged = (f: () => Promise<unknown>) => void after.push(f);
      const result = await fn({ req, params, body, user: user as HandlerContext<B, A>["user"], via, access, afterAcknowledged });
      return result instanceof Response ? result : json(result);
    } catch (e) {
      return toErrorResponse(e, req);
    } finally {
      // a change answers once every instance has dropped what it made stale (decision 0021)
      if (STATE_CHANGING.has(req.method)) {
        await awaitAcknowledgements();
        // ...and the shared HTTP caches have acknowledged its purges (decision 0025)
        await awaitPurges();
      }
      for (const f of after) await f().catch((e: unknown) => console.error(`${req.method} ${new URL(req.url).pathname}: after the change:`, e));
    }
  };
}

/** AppErrors become their status; anything else a logged, generic 500. */
export function toErrorResponse(e: unknown, req: Request): Response {
  if (e instanceof AppError) return errorResponse(e);
  if (isTimeout(e)) {
    console.error(`${req.method} ${new URL(req.url).pathname}: the database gave up on it (statement or transaction timeout)`);
    return errorResponse(new AppError("unavailable", "This request took the database too long; try again in a moment"));
  }
  const id = crypto.randomUUID();
  console.error(`[${id}] ${req.method} ${new URL(req.url).pathname} failed:`, e);
  return errorResponse(new AppError("internal", `Something went wrong on our side (error id ${id})`));
}

/** The token of an `Authorization: Bearer` header; "" for a malformed one; null when there is none. */
function bearerToken(req: NextRequest): string | null {
  const header = req.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : "";
}

/**
 * A cookie-authenticated change needs an Origin (or Referer) of this site; a foreign one is refused whoever sends
 * it. The HTTP front checks the same and the request's Host too (it alone knows the proxies in front).
 */
function checkOrigin(req: NextRequest) {
  const problem = crossSiteProblem(
    {
      method: req.method,
      origin: req.headers.get("origin"),
      referer: req.headers.get("referer"),
      hasSession: hasSessionCookie(req.headers.get("cookie")),
      hasBearer: false,
    },
    siteOriginSet(),
  );
  if (problem) throw new AppError("forbidden", `Cross-site request refused: ${problem}`);
}

async function readBody<B>(req: NextRequest, schema: ZodType<B>): Promise<B> {
  // the front's limit for this path too (fields have their own, smaller ones: markdown 1 MiB)
  const text = await readLimitedText(req, bodyLimit(new URL(req.url).pathname, getConfig().UPLOAD_MAX_BYTES));
  let data: unknown;
  try {
    // no body at all is an empty object: `DELETE /api/pages/{slug}` may carry {reason} or nothing
    data = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Body is not valid JSON");
  }
  if (holdsUnstorableText(data)) {
    throw new AppError("bad_request", "Text may not contain NUL characters or unpaired UTF-16 surrogates");
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const tooLarge = parsed.error.issues.find((i) => i.message === PAYLOAD_TOO_LARGE);
    if (tooLarge) throw new AppError("payload_too_large", `${tooLarge.path.join(".")} is too large`);
    const problems = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
    throw new AppError("bad_request", `Invalid request: ${problems.join("; ")}`);
  }
  return parsed.data;
}

/** Does any string in this JSON value (names included) hold text PostgreSQL cannot store? */
function holdsUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return hasUnstorableText(value);
  if (depth > 64 || value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some((v) => holdsUnstorableText(v, depth + 1));
  return Object.entries(value).some(([k, v]) => hasUnstorableText(k) || holdsUnstorableText(v, depth + 1));
}

/**
 * The body as text, counted while it is read: past `limit` bytes reading stops with 413, whether or not the
 * client declared a Content-Length (a chunked body is never buffered whole). The HTTP front enforces the same
 * kind of limit for every route before Next.js sees the body; this one holds wherever the handler runs.
 */
async function readLimitedText(req: NextRequest, limit: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) throw new AppError("payload_too_large", "Request body is too large");
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw new AppError("payload_too_large", "Request body is too large");
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    // the client went away mid-upload (e.g. an aborted preview request)
    throw new AppError("bad_request", "The request body could not be read");
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Validate query parameters against a schema (400 naming the bad ones). */
export function parseQuery<T>(req: Request, schema: ZodType<T>): T {
  const parsed = schema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) {
    throw new AppError("bad_request", `Invalid query: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

/**
 * The title in a catch-all route, read from the raw request path after `prefix` (e.g. "/api/pages/"), so that
 * percent-encoding is decoded exactly once.
 */
export function titleFromRequest(req: NextRequest, prefix: string): string {
  const path = req.nextUrl.pathname;
  if (!path.startsWith(prefix)) throw new AppError("bad_request", "Invalid title");
  return titleFromPath(path.slice(prefix.length));
}
