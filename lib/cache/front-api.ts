import type { Reader, Slot } from "./front-documents";

// The front cache's interface (lib/cache/front-cache.ts): what it keeps, what the HTTP front (scripts/serve.mjs)
// asks it and is answered, and what it is given at start-up. Types only.

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

