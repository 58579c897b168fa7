import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { countView } from "./view-counts";
import { cdnHeaders } from "./cdn";
import { isTrusted, mayKeep, onNotice, onReset, readTicket, startCoherence } from "./coherence";
import { FRONT_CACHE_KEY } from "@/lib/http/names.js";
import { hasSessionCookie } from "@/lib/auth/session-cookie.js";
import { pageContentSecurityPolicy } from "@/lib/http/security-headers.js";
import { normaliseTitleOrNull } from "@/lib/wiki/title-rules.js";

/**
 * The front cache: finished documents kept in this process and answered by the HTTP front (scripts/serve.mjs)
 * without entering Next.js (docs/decisions/0009, 0021).
 *
 * One document per path serves every reader. What differs between readers sits in slots the document leaves open
 * and the front fills per request: the account links of the header and the page tools (from the person the
 * session cookie names, verified against their record, which this process keeps and drops on their notices), and
 * the CSP nonce of React pages (fresh per response). A document holds nothing personal.
 *
 * Each document carries tags (`t:<title>`, `w`); a notice naming one drops it (lib/cache/coherence.ts), and a
 * change answers only after every live instance has handled its notices. While this instance's memory is not
 * trusted (subscription down, lease run out), an article is served only after PostgreSQL confirms the revision and
 * view version it shows, and any other document not at all.
 *
 * The front and the app share a process but not a module graph (the app is bundled by Next.js), so they meet
 * through one declared interface, FrontCacheApi, installed once at start-up by instrumentation.ts under
 * FRONT_CACHE_KEY. Every decision is made here.
 *
 * One file because the entries, their tag index, the answer (slots, nonce, ETag) and the capture rules are one
 * piece of state with one interface; split, each part would need the store's internals.
 */

/**
 * Who a document is filled in for: the verified person, or null for a signed-out reader. Role, block and a confirmed
 * address are everything the permission rules ask of a person (what a page offers them: lib/auth/permissions.ts).
 */
export type Reader = { username: string; role: string; blocked?: boolean; verified?: boolean } | null;

/** An attribute a page's error notice carries: a page showing one is never kept (its error may pass). */
export const NOT_KEPT_ATTRIBUTE = "data-vellum-not-kept";

/** Slots a document may leave open (HTML comments, so an unfilled one shows nothing). */
export const SLOTS = { account: "<!--vellum:account-->", tools: "<!--vellum:tools-->", edit: "<!--vellum:edit-->" } as const;
export type Slot = keyof typeof SLOTS;

export type FrontEntry = {
  /** Notices that drop it. */
  tags: string[];
  /** For an article: what PostgreSQL is asked when this instance's memory is not trusted. */
  article: { title: string; revisionId: number; viewVersion: number } | null;
  status: number;
  headers: [string, string][];
  /** The body cut at its slots: parts.length === holes.length + 1. */
  parts: Buffer[];
  holes: (Slot | "nonce")[];
  /** The slots' contents and the entity tag for a reader (documents with account or tools slots only). */
  personalise: ((reader: Reader) => { fills: Partial<Record<Slot, string>>; etag: string | null }) | null;
  bytes: number;
  /** Date.now() after which it is made again (captured pages), or null. */
  expires: number | null;
  /** When a request went to make it again (past `expires`), or null. */
  refreshing: number | null;
  /** A signed-out reader's answer to an article, made on its first request (the same bytes for every one). */
  anon?: { body: Buffer; headers: [string, string][]; etag: string | null; notModified: [string, string][] };
};

/** The request, as much of it as the cache needs. */
export type FrontRequest = { path: string; cookie: string | undefined; authorization: string | undefined; ifNoneMatch: string | undefined; rsc: boolean };
export type FrontAnswer = { status: number; headers: [string, string][]; body: Buffer | null };
/** A response the front may capture for the cache: what it was asked, when, and under which tags. */
/**
 * A response the front captures for the cache: under which key and tags, read under which ticket, and the
 * requester's own account links for the slot (`marker` → `fill`) in the answer the front sends them.
 */
export type CaptureTicket = { key: string; tags: string[]; ticket: number; marker: string; fill: string; cacheControl: string };

/** What the HTTP front may call. */
export type FrontCacheApi = {
  /**
   * The answer for this request from a kept document, or null (then Next.js answers); a promise only when it must
   * ask first (who reads it, or PostgreSQL while this instance's memory is not trusted).
   */
  lookup(req: FrontRequest): FrontAnswer | null | Promise<FrontAnswer | null>;
  /**
   * Should Next.js's answer to this request be kept (a page or API read that is the same for every signed-out
   * reader, or a page the same for every reader of a class)? Then the front sends CAPTURE_HEADER with it.
   */
  capture(req: FrontRequest): Promise<CaptureTicket | null>;
  /**
   * Keep a captured answer (200, no cookie set) for later requests, with its nonce (if any) left open. Returns
   * whether it was kept: what this cache may not keep (an error notice, a read a change overtook), no shared
   * cache may keep either.
   */
  keep(ticket: CaptureTicket, status: number, headers: [string, string][], body: Buffer, nonce: string | null): boolean;
  /**
   * The headers that let a shared HTTP cache in front keep a signed-out reader's answer to this path (surrogate
   * keys, max-age; decision 0025), or null: no cache in front, or a path whose answer is not the same for everyone.
   */
  cdnHeaders(path: string): [string, string][] | null;
};

export { FRONT_CACHE_KEY };

/** Largest total of documents kept; the least recently stored go first. */
export const MAX_FRONT_CACHE_BYTES = 64 * 1024 * 1024;
/** Largest document kept. */
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;
/**
 * How long after it was kept a captured page is made again: everything it shows follows notices except
 * approximate counters (views on a history page, the talk list cache's hits), which may be this old.
 */
export const CAPTURED_MAX_AGE_MS = 5000;

/**
 * The documents, their tags and counters, one set per process. Next.js bundles instrumentation.ts (which
 * installs the interface) apart from the routes (which store documents), each with its own copy of this module,
 * so the state lives on globalThis, where both copies find the same one.
 */
type Store = {
  entries: Map<string, FrontEntry>;
  byTag: Map<string, Set<string>>;
  bytes: number;
  counters: { hits: number; personalHits: number; stale: number; validationErrors: number; captured: number };
  lastErrorLog: number;
  readers: ReaderSource | null;
  accountLinks: AccountLinks | null;
};
const store: Store = ((globalThis as unknown as Record<symbol, Store | undefined>)[Symbol.for("vellum.frontCacheStore")] ??= {
  entries: new Map(),
  byTag: new Map(),
  bytes: 0,
  counters: { hits: 0, personalHits: 0, stale: 0, validationErrors: 0, captured: 0 },
  lastErrorLog: 0,
  readers: null,
  accountLinks: null,
});
const { entries, counters } = store;

function remove(key: string) {
  const e = entries.get(key);
  if (!e) return;
  entries.delete(key);
  store.bytes -= e.bytes + key.length;
  for (const t of e.tags) {
    const keys = store.byTag.get(t);
    keys?.delete(key);
    if (keys?.size === 0) store.byTag.delete(t);
  }
}

function forgetTag(tag: string) {
  const keys = store.byTag.get(tag);
  if (keys) for (const key of [...keys]) remove(key);
}

function forgetAll() {
  entries.clear();
  store.byTag.clear();
  store.bytes = 0;
}

function put(key: string, entry: FrontEntry) {
  if (entry.bytes > MAX_ENTRY_BYTES) return;
  remove(key);
  entries.set(key, entry);
  store.bytes += entry.bytes + key.length;
  for (const t of entry.tags) {
    let keys = store.byTag.get(t);
    if (!keys) store.byTag.set(t, (keys = new Set()));
    keys.add(key);
  }
  for (const k of entries.keys()) {
    if (store.bytes <= MAX_FRONT_CACHE_BYTES) break;
    remove(k);
  }
}

/** Counters of this process's front cache. */
export function frontCacheCounters() {
  return { ...counters, entries: entries.size, bytes: store.bytes, trusted: isTrusted() };
}

/** Cut a document at its slots (and, for a React page, at its nonce). */
export function cutAtSlots(body: string, nonce: string | null = null): { parts: Buffer[]; holes: (Slot | "nonce")[] } {
  const markers: [string, Slot | "nonce"][] = Object.entries(SLOTS).map(([slot, marker]) => [marker, slot as Slot]);
  if (nonce) markers.push([nonce, "nonce"]);
  const parts: Buffer[] = [];
  const holes: (Slot | "nonce")[] = [];
  let from = 0;
  for (;;) {
    let next = -1;
    let which: [string, Slot | "nonce"] | null = null;
    for (const m of markers) {
      const at = body.indexOf(m[0], from);
      if (at !== -1 && (next === -1 || at < next)) [next, which] = [at, m];
    }
    if (!which) break;
    parts.push(Buffer.from(body.slice(from, next)));
    holes.push(which[1]);
    from = next + which[0].length;
  }
  parts.push(Buffer.from(body.slice(from)));
  return { parts, holes };
}

/** The document with its slots filled. */
export function filled(parts: Buffer[], holes: (Slot | "nonce")[], fills: Partial<Record<Slot | "nonce", string>>): Buffer {
  const out: Buffer[] = [parts[0]!];
  for (let i = 0; i < holes.length; i++) {
    const v = fills[holes[i]!];
    if (v) out.push(Buffer.from(v));
    out.push(parts[i + 1]!);
  }
  return Buffer.concat(out);
}

/** A document with its slots filled as a string (the route's own answer; the front uses the cut parts). */
export function fillSlots(body: string, fills: Partial<Record<Slot, string>>): string {
  const { parts, holes } = cutAtSlots(body);
  return filled(parts, holes, fills).toString("utf8");
}

/**
 * An entity tag naming the reader too (a hash of everything filled in for them: name, role, block; or "anon"):
 * a browser's copy is its reader's, and a change of role is a new copy.
 */
export function readerEtag(base: string, reader: Reader): string {
  const who = reader ? createHash("sha256").update(`${reader.username}\n${readerClass(reader)}`).digest("base64url").slice(0, 12) : "anon";
  return `"${base}-${who}"`;
}

/**
 * Who a request's session names, verified against their record (lib/auth/session-reader.ts, which pages rendered
 * by Next.js ask too): null without a session, undefined when it names nobody (ended, invalid).
 */
export type ReaderSource = ((cookie: string | undefined) => Promise<{ reader: NonNullable<Reader> } | null | undefined>) & {
  /** The same from memory alone: "unknown" when it must be asked (a cookie or person not seen since the last notice). */
  now: (cookie: string | undefined) => { reader: NonNullable<Reader> } | null | undefined | "unknown";
};

/** The account links of the header for a reader (app/_components/chrome.ts), for documents captured from Next.js. */
export type AccountLinks = (reader: Reader) => string;

/** Readers who see the same pages: by role, whether blocked and whether their address is confirmed (what pages offer depends on nothing else). */
function readerClass(reader: NonNullable<Reader>): string {
  return `${reader.role}${reader.blocked ? "+blocked" : ""}${reader.verified ? "+verified" : ""}`;
}

/**
 * Install the interface for the front, once per process. `validate` answers a title's current revision id and
 * view version (null when the page is gone), asked only while this instance's memory is not trusted; `readers`
 * names a request's verified reader. A failed validation is counted and logged (at most every 10 s) and the
 * request falls through to Next.js.
 */
export function installFrontCache(
  validate: (title: string) => Promise<{ revisionId: number; viewVersion: number } | null>,
  readers: ReaderSource | null,
  accountLinks: AccountLinks | null = null,
): void {
  const g = globalThis as unknown as Record<symbol, FrontCacheApi | undefined>;
  if (g[FRONT_CACHE_KEY]) return;
  store.readers = readers;
  store.accountLinks = accountLinks;
  if (readers) {
    startCoherence();
    onNotice((tag) => forgetTag(tag));
    onReset(forgetAll);
  }
  /** A signed-in reader's answer: an article's one document, or the page kept for their class. */
  function answerFor(req: FrontRequest, shared: FrontEntry | undefined, reader: NonNullable<Reader>): FrontAnswer | Promise<FrontAnswer | null> | null {
    const entry = shared?.personalise ? shared : entries.get(classKey(req.path, reader));
    return entry ? answerWith(req, entry, reader) : null;
  }

  function answerWith(req: FrontRequest, entry: FrontEntry, reader: Reader): FrontAnswer | Promise<FrontAnswer | null> | null {
    if (!fresh(entry)) return null;
    if (isTrusted()) return answer(req, entry, reader);
    if (!entry.article) return null;
    return stillCurrent(entry.article).then((current) => (current ? answer(req, entry, reader) : null));
  }

  function answer(req: FrontRequest, entry: FrontEntry, reader: Reader): FrontAnswer {
    counters.hits++;
    if (reader) counters.personalHits++;
    if (entry.article) countView(entry.article.title);
    // a signed-out reader of an article gets the same bytes every time: made once
    if (!reader && entry.anon) {
      if (req.ifNoneMatch && req.ifNoneMatch === entry.anon.etag) return { status: 304, headers: entry.anon.notModified, body: null };
      return { status: entry.status, headers: entry.anon.headers, body: entry.anon.body };
    }
    const fills: Partial<Record<Slot | "nonce", string>> = {};
    const headers = entry.headers.slice();
    if (entry.personalise) {
      const p = entry.personalise(reader);
      Object.assign(fills, p.fills);
      if (p.etag) {
        headers.push(["ETag", p.etag]);
        if (req.ifNoneMatch === p.etag) return { status: 304, headers: headersFor(headers, reader), body: null };
      }
    } else if (store.accountLinks) {
      fills.account = store.accountLinks(reader);
    }
    if (entry.holes.includes("nonce")) {
      const nonce = randomBytes(16).toString("base64");
      fills.nonce = nonce;
      headers.push(["Content-Security-Policy", pageContentSecurityPolicy(nonce)]);
    }
    const body = filled(entry.parts, entry.holes, fills);
    const out: FrontAnswer = { status: entry.status, headers: [...headersFor(headers, reader), ["Content-Length", String(body.length)]], body };
    if (!reader && entry.personalise && !entry.holes.includes("nonce")) {
      entry.anon = { body, headers: out.headers, etag: headers.find(([k]) => k === "ETag")?.[1] ?? null, notModified: headersFor(headers, null) };
    }
    return out;
  }

  g[FRONT_CACHE_KEY] = {
    lookup(req) {
      if (req.rsc || req.authorization) return null;
      const signedIn = hasSessionCookie(req.cookie);
      const shared = entries.get(req.path);
      // a signed-in reader is filled in only from a trusted memory of who they are
      if (signedIn && (!isTrusted() || !store.readers)) return null;
      if (!shared && !signedIn) return null;
      if (!signedIn) return answerWith(req, shared!, null);
      // the hot path stays synchronous when the reader is known already (no promise per request)
      const known = store.readers!.now(req.cookie);
      if (known !== "unknown") return known ? answerFor(req, shared, known.reader) : null;
      return store.readers!(req.cookie).then((who) => (who ? answerFor(req, shared, who.reader) : null));
    },
    async capture(req) {
      if (req.rsc || req.authorization) return null;
      const tags = captureTags(req.path);
      const ticket = tags ? readTicket() : null;
      if (!tags || ticket === null) return null;
      if (!store.accountLinks) return null;
      if (!hasSessionCookie(req.cookie)) return { key: req.path, tags, ticket, marker: SLOTS.account, fill: store.accountLinks(null), cacheControl: cacheControlFor(null) };
      // a page the same for every reader of a class; API reads and pages that show who you are pass
      if (!store.readers || !SHARED_WHEN_SIGNED_IN.test(req.path)) return null;
      const who = await store.readers(req.cookie);
      if (!who) return null;
      return { key: classKey(req.path, who.reader), tags, ticket, marker: SLOTS.account, fill: store.accountLinks(who.reader), cacheControl: cacheControlFor(who.reader) };
    },
    keep(t, status, headers, body, nonce) {
      if (status !== 200 || headers.some(([k]) => k.toLowerCase() === "set-cookie") || !mayKeep(t.ticket, t.tags)) return false;
      if (body.includes(NOT_KEPT_ATTRIBUTE)) return false;
      const kept = headers.filter(([k]) => !DROPPED_HEADERS.has(k.toLowerCase()));
      kept.push(["Cache-Control", "no-cache"]);
      const { parts, holes } = cutAtSlots(body.toString("utf8"), nonce);
      counters.captured++;
      put(t.key, { tags: t.tags, article: null, status, headers: kept, parts, holes, personalise: null, bytes: body.length, expires: Date.now() + CAPTURED_MAX_AGE_MS, refreshing: null });
      return true;
    },
    cdnHeaders(path) {
      let found = cdnHeadersByPath.get(path);
      if (found === undefined) {
        const tags = sharedTags(path);
        found = tags ? cdnHeaders(tags) : null;
        if (cdnHeadersByPath.size >= 10_000) cdnHeadersByPath.clear();
        cdnHeadersByPath.set(path, found);
      }
      return found;
    },
  };

  async function stillCurrent(a: NonNullable<FrontEntry["article"]>): Promise<boolean> {
    let current: { revisionId: number; viewVersion: number } | null;
    try {
      current = await validate(a.title);
    } catch (e) {
      counters.validationErrors++;
      if (Date.now() - store.lastErrorLog > 10_000) {
        store.lastErrorLog = Date.now();
        console.error(`[vellum] front cache: could not check the current revision (${counters.validationErrors} so far):`, e);
      }
      return false;
    }
    if (current?.revisionId !== a.revisionId || current.viewVersion !== a.viewVersion) {
      counters.stale++;
      return false;
    }
    return true;
  }
}

function classKey(path: string, reader: NonNullable<Reader>): string {
  return `${path}\n${readerClass(reader)}`;
}

/**
 * Is a kept entry to be served now? Past its age (captured pages), the first request goes to Next.js to make it
 * again while the others are still served the old one: only its approximate counters can be older (a notice of
 * anything else drops it outright). A refresh that does not come back within REFRESH_MS lets another request try.
 */
function fresh(entry: FrontEntry): boolean {
  const now = Date.now();
  if (entry.expires === null || now <= entry.expires) return true;
  if (entry.refreshing !== null && now - entry.refreshing < REFRESH_MS) return true;
  entry.refreshing = now;
  return false;
}

/** How long the refresh of an aged captured page may take before another request tries. */
const REFRESH_MS = 10_000;

/**
 * Pages kept for signed-in readers too (one per class): they show nothing of who reads them but the header, and
 * the history page's watch button, which asks for its state (app/history). Talk pages (your own comments), the
 * recent changes without your own (`hideMine`) and API reads pass.
 */
const SHARED_WHEN_SIGNED_IN = /^\/(?:history\/[^?]+|blame\/[^?]+|recent-changes(?![^?]*\?(?:.*&)?hideMine=)|search|pages|wanted|backlinks\/|revision\/|diff|users\/)/;

/**
 * Headers not kept with a captured answer: per response or per connection, or set afresh when served (the shared
 * caches' surrogate keys are given to signed-out answers only, by the front).
 */
const DROPPED_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length", "content-security-policy", "cache-control", "set-cookie", "x-nextjs-cache", "x-nextjs-prerender", "x-nextjs-stale-time", "xkey", "surrogate-control"]);

/** Each path's headers for the shared caches, worked out once (hashing its tags); forgotten all at once when full. */
const cdnHeadersByPath = new Map<string, [string, string][] | null>();

/** The tags of a path whose signed-out answer is one document for everyone: an article, or a captured view. */
function sharedTags(path: string): string[] | null {
  const bare = path.split("?")[0]!;
  if (bare.startsWith("/wiki/")) return titleTags(bare.slice("/wiki/".length));
  return captureTags(path);
}

/** [`t:<title>`] for a title as it appears in a path, or null when it names none. */
function titleTags(encoded: string): string[] | null {
  let title: string | null;
  try {
    title = normaliseTitleOrNull(decodeURIComponent(encoded).replaceAll("_", " "));
  } catch {
    return null;
  }
  return title ? [`t:${title}`] : null;
}

/** A shared document may be kept by any cache (and revalidated); one filled in for a person only by theirs. */
function cacheControlFor(reader: Reader): string {
  return reader ? "private, no-cache" : "no-cache";
}

function headersFor(headers: [string, string][], reader: Reader): [string, string][] {
  return [...headers.filter(([k]) => k !== "Cache-Control"), ["Cache-Control", cacheControlFor(reader)]];
}

/**
 * The tags of a captured path, or null when it is not kept: views of one title (history, blame, talk, the API's
 * page, history and blame) are dropped by that title's notices, every other list by any change (`w`).
 */
function captureTags(path: string): string[] | null {
  const bare = path.split("?")[0]!;
  const titled = /^\/(?:history|blame|talk|api\/pages|api\/history|api\/blame)\/(.+)$/.exec(bare);
  if (titled) return titleTags(titled[1]!);
  return CAPTURED_LISTS.test(bare) ? ["w"] : null;
}

/** Views the same for every signed-out reader, kept until any change: lists, old revisions, diffs, profiles. */
const CAPTURED_LISTS = /^\/(?:recent-changes|search|pages|wanted|backlinks\/.+|revision\/\d+|diff|users\/[^/]+|api\/(?:recent-changes|search|wanted|revisions\/\d+|diff|backlinks\/.+|users\/(?!me$)[^/]+|contributions\/[^/]+))$/;

/**
 * Offer the front cache a finished article (its slots open) for `path`, read under `ticket`: kept unless a notice
 * of its title came since the read began.
 */
export function rememberArticle(
  path: string,
  ticket: number | null,
  doc: {
    title: string;
    revisionId: number;
    viewVersion: number;
    headers: [string, string][];
    body: string;
    personalise: NonNullable<FrontEntry["personalise"]>;
  },
): void {
  if (!frontCacheInstalled()) return;
  const tags = [`t:${doc.title}`];
  // without coherence (unit tests, FRONT_CACHE without readers) an article is kept and validated on every hit
  if (store.readers && !mayKeep(ticket, tags)) return;
  const { parts, holes } = cutAtSlots(doc.body);
  put(path, {
    tags,
    article: { title: doc.title, revisionId: doc.revisionId, viewVersion: doc.viewVersion },
    status: 200,
    headers: doc.headers,
    parts,
    holes,
    personalise: doc.personalise,
    bytes: parts.reduce((n, p) => n + p.length, 0),
    expires: null,
    refreshing: null,
  });
}

/** Is the front cache on in this process (installed at start: PAGE_CACHE and FRONT_CACHE on)? */
export function frontCacheInstalled(): boolean {
  return Boolean((globalThis as unknown as Record<symbol, FrontCacheApi | undefined>)[FRONT_CACHE_KEY]);
}
