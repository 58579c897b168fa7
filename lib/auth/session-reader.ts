import "server-only";
import { decode } from "next-auth/jwt";
import { getConfig } from "@/lib/config";
import { sqlPool } from "@/lib/db";
import { mayKeep, onNotice, onReset, readTicket } from "@/lib/cache/coherence";
import type { Reader } from "@/lib/cache/front-documents";
import type { ReaderSource } from "@/lib/cache/front-api";
import { accessOf, knownAccess } from "./access";

/**
 * Who a request's session cookie names, for filling a kept document in (lib/cache/front-cache.ts), without asking
 * the database on every request: the cookie is decrypted once (next-auth's own `decode`, then remembered by its
 * value until it expires), and the person's record (name, role, block, session generation) is kept in this
 * process and dropped by their `u:<id>` notice (lib/cache/coherence.ts). A session whose generation is not the
 * person's (signed out, claimed, blocked: decision 0018) names nobody here, and the request goes to Next.js.
 */

type Token = { id: string; generation: number; expires: number };
/** A verified reader: who pages are made for (lib/auth/session.ts getSessionUser) and filled in for (the front). */
export type SessionReader = NonNullable<Reader> & { id: string; blocked: boolean; verified: boolean; audience: string };
type Person = { username: string; role: string; blocked: boolean; verified: boolean; generation: number } | "none";

const MAX_TOKENS = 20_000;
const MAX_PEOPLE = 20_000;

type Store = { tokens: Map<string, Token | null>; people: Map<string, Person>; subscribed: boolean };
const store: Store = ((globalThis as unknown as Record<symbol, Store | undefined>)[Symbol.for("vellum.sessionReader")] ??= {
  tokens: new Map(),
  people: new Map(),
  subscribed: false,
});

/** next-auth's session cookie, plain or `__Secure-`, whole or in `.0`, `.1`... chunks, joined in order. */
export function sessionTokenOf(cookieHeader: string): string | null {
  const chunks: [number, string][] = [];
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const m = /^(?:__Secure-)?next-auth\.session-token(?:\.(\d+))?$/.exec(part.slice(0, eq).trim());
    if (m) chunks.push([m[1] === undefined ? -1 : Number(m[1]), part.slice(eq + 1).trim()]);
  }
  if (!chunks.length) return null;
  return chunks
    .sort((a, b) => a[0] - b[0])
    .map(([, v]) => v)
    .join("");
}

async function tokenOf(value: string): Promise<Token | null> {
  const known = store.tokens.get(value);
  if (known !== undefined) return known && known.expires > Date.now() ? known : null;
  let token: Token | null = null;
  try {
    const payload = await decode({ token: value, secret: getConfig().NEXTAUTH_SECRET ?? "" });
    if (payload?.sub && typeof payload.generation === "number" && typeof payload.exp === "number") {
      token = { id: payload.sub, generation: payload.generation, expires: payload.exp * 1000 };
    }
  } catch {
    token = null;
  }
  if (store.tokens.size >= MAX_TOKENS) store.tokens.clear();
  store.tokens.set(value, token);
  return token && token.expires > Date.now() ? token : null;
}

async function personOf(id: string): Promise<Person> {
  const known = store.people.get(id);
  if (known) return known;
  const ticket = readTicket();
  const { rows } = await sqlPool().query<{ username: string; role: string; blocked: boolean; verified: boolean; session_generation: number }>({
    name: "vellum-reader-v2",
    text: "SELECT username, role::text AS role, blocked, email_verified IS NOT NULL AS verified, session_generation FROM users WHERE id = $1",
    values: [id],
  });
  const r = rows[0];
  const person: Person = r ? { username: r.username, role: r.role, blocked: r.blocked, verified: r.verified, generation: r.session_generation } : "none";
  if (mayKeep(ticket, [`u:${id}`])) {
    if (store.people.size >= MAX_PEOPLE) store.people.clear();
    store.people.set(id, person);
  }
  return person;
}

/** Follow the notices that change a person (once per process). */
function subscribe() {
  if (store.subscribed) return;
  store.subscribed = true;
  onNotice((tag) => {
    if (tag.startsWith("u:")) store.people.delete(tag.slice(2));
  });
  onReset(() => store.people.clear());
}

/**
 * The verified reader a cookie header names: null when it carries no session cookie, undefined when it cannot be
 * told here (an invalid, expired or ended session: Next.js decides, as it does without the front cache).
 */
export async function readerOf(cookieHeader: string | undefined): Promise<{ reader: SessionReader } | null | undefined> {
  subscribe();
  const value = cookieHeader ? sessionTokenOf(cookieHeader) : null;
  if (!value) return null;
  const token = await tokenOf(value);
  if (!token) return undefined;
  const person = await personOf(token.id);
  if (person === "none" || person.generation !== token.generation) return undefined;
  const { audience } = await accessOf({ id: token.id, role: person.role });
  return { reader: { id: token.id, username: person.username, role: person.role, blocked: person.blocked, verified: person.verified, audience } };
}

/** `readerOf` from memory alone, for the front's synchronous path: "unknown" when it must be asked. */
export function readerNow(cookieHeader: string | undefined): { reader: SessionReader } | null | undefined | "unknown" {
  const value = cookieHeader ? sessionTokenOf(cookieHeader) : null;
  if (!value) return null;
  const token = store.tokens.get(value);
  if (token === undefined) return "unknown";
  if (!token || token.expires <= Date.now()) return undefined;
  const person = store.people.get(token.id);
  if (!person) return "unknown";
  if (person === "none" || person.generation !== token.generation) return undefined;
  const access = knownAccess({ id: token.id, role: person.role });
  if (!access) return "unknown";
  return { reader: { id: token.id, username: person.username, role: person.role, blocked: person.blocked, verified: person.verified, audience: access.audience } };
}

/** Both, as the front cache takes them (lib/cache/front-cache.ts). */
export const sessionReaders: ReaderSource = Object.assign((cookie: string | undefined) => readerOf(cookie), { now: readerNow });

