import "server-only";
import { randomBytes } from "node:crypto";
import { countView } from "./view-counts";
import { cdnHeaders } from "./cdn";
import { ACCESS_NOTICE, isTrusted, mayKeep, onNotice, onReset, readTicket, startCoherence } from "./coherence";
import { FRONT_CACHE_KEY } from "@/lib/http/names.js";
import { hasSessionCookie } from "@/lib/auth/session-cookie.js";
import { pageContentSecurityPolicy } from "@/lib/http/security-headers.js";
import type { AccountLinks, FrontAnswer, FrontCacheApi, FrontEntry, FrontRequest, ReaderSource } from "./front-api";
import { NOT_KEPT_ATTRIBUTE, PUBLIC_AUDIENCE, SLOTS, audienceKey, cacheControlFor, cutAtSlots, filled, headersFor, readerClass, type Reader, type Slot } from "./front-documents";
import { DROPPED_HEADERS, SHARED_WHEN_SIGNED_IN, captureTags, sharedTags } from "./front-paths";

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
 * FRONT_CACHE_KEY (its types: front-api.ts). Every decision is made here; the pure parts beside it: the documents,
 * their slots and entity tags (front-documents.ts), and which paths are kept under which tags (front-paths.ts).
 * What is left here is the store (entries, tag index, counters) and the answers made from it, one piece of state.
 */

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
  /**
   * A signed-in reader's answer: an article's one document (for everyone, or for their audience), or the page kept
   * for their class.
   */
  function answerFor(req: FrontRequest, shared: FrontEntry | undefined, reader: NonNullable<Reader>): FrontAnswer | Promise<FrontAnswer | null> | null {
    const article = shared?.personalise ? shared : entries.get(audienceKey(req.path, reader.audience ?? PUBLIC_AUDIENCE));
    const entry = article?.personalise ? article : entries.get(classKey(req.path, reader));
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
      if (!signedIn) {
        // a signed-out reader is of the public audience: its own document of an article that depends on one
        const entry = shared ?? entries.get(audienceKey(req.path, PUBLIC_AUDIENCE));
        return entry ? answerWith(req, entry, null) : null;
      }
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
      // made for an audience: any change of who may read what (notice `a`) drops it, and keeps a read it overtook
      return { key: classKey(req.path, who.reader), tags: [...tags, ACCESS_NOTICE], ticket, marker: SLOTS.account, fill: store.accountLinks(who.reader), cacheControl: cacheControlFor(who.reader) };
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

/** Each path's headers for the shared caches, worked out once (hashing its tags); forgotten all at once when full. */
const cdnHeadersByPath = new Map<string, [string, string][] | null>();

/**
 * Offer the front cache a finished article (its slots open) for `path`, read under `ticket`: kept unless a notice
 * of its title came since the read began.
 */
export function rememberArticle(
  path: string,
  ticket: number | null,
  doc: {
    title: string;
    /** The audience it was made for, or null when it is the same for every reader. */
    audience: string | null;
    revisionId: number;
    viewVersion: number;
    headers: [string, string][];
    body: string;
    personalise: NonNullable<FrontEntry["personalise"]>;
  },
): void {
  if (!frontCacheInstalled()) return;
  const tags = doc.audience === null ? [`t:${doc.title}`] : [`t:${doc.title}`, ACCESS_NOTICE];
  // without coherence (unit tests, FRONT_CACHE without readers) an article is kept and validated on every hit
  if (store.readers && !mayKeep(ticket, tags)) return;
  const { parts, holes } = cutAtSlots(doc.body);
  put(doc.audience === null ? path : audienceKey(path, doc.audience), {
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
