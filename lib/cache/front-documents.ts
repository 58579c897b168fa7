import { createHash } from "node:crypto";

// The front cache's documents (lib/cache/front-cache.ts), pure: who a document is filled in for, the slots it
// leaves open for them and how they are cut and filled, the entity tag that names the reader, and who may keep
// the answer. The pages that make documents (app/) use these too.

/**
 * Who a document is filled in for: the verified person, or null for a signed-out reader. Role, block and a confirmed
 * address are everything the permission rules ask of a person (what a page offers them: lib/auth/permissions.ts);
 * `audience` names what they may read (lib/auth/access.ts: "public" when no private space), never who they are.
 */
export type Reader = { username: string; role: string; blocked?: boolean; verified?: boolean; audience?: string } | null;

/** The audience of a reader of no private space, signed out or not (lib/auth/access.ts PUBLIC_ACCESS). */
export const PUBLIC_AUDIENCE = "public";

/** The key of a document made for one audience (an article that depends on who may read what: decision 0029). */
export function audienceKey(path: string, audience: string): string {
  return `${path}\n@${audience}`;
}

/** An attribute a page's error notice carries: a page showing one is never kept (its error may pass). */
export const NOT_KEPT_ATTRIBUTE = "data-vellum-not-kept";

/** Slots a document may leave open (HTML comments, so an unfilled one shows nothing). */
export const SLOTS = { account: "<!--vellum:account-->", tools: "<!--vellum:tools-->", edit: "<!--vellum:edit-->" } as const;
export type Slot = keyof typeof SLOTS;

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
 * Readers who see the same pages: by role, whether blocked, whether their address is confirmed (what pages offer)
 * and their audience (what they may read): nothing else decides what a page shows them.
 */
export function readerClass(reader: NonNullable<Reader>): string {
  const audience = reader.audience && reader.audience !== PUBLIC_AUDIENCE ? `@${reader.audience}` : "";
  return `${reader.role}${reader.blocked ? "+blocked" : ""}${reader.verified ? "+verified" : ""}${audience}`;
}

/** A shared document may be kept by any cache (and revalidated); one filled in for a person only by theirs. */
export function cacheControlFor(reader: Reader): string {
  return reader ? "private, no-cache" : "no-cache";
}

export function headersFor(headers: [string, string][], reader: Reader): [string, string][] {
  return [...headers.filter(([k]) => k !== "Cache-Control"), ["Cache-Control", cacheControlFor(reader)]];
}

