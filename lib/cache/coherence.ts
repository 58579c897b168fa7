import "server-only";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { getConfig } from "@/lib/config";
import { sqlPool } from "@/lib/db";

/**
 * Coherence of what instances keep in memory (docs/decisions/0021-every-view-from-the-front.md).
 *
 * PostgreSQL announces every change on the channel `vellum_views` from triggers, at commit (see the migration
 * `coherence`): `t:<title>` (that title's views), `w` (anything a list shows), `u:<person id>` (a person's record
 * or watches), `a` (who may read what: groups, members or spaces, the `private_spaces` migration). Each instance holds one connection that LISTENs to it and renews, every second, a lease in the
 * `instances` table. Documents kept in memory are dropped when a notice names one of their tags.
 *
 * A change's request answers only after every instance whose lease has not run out acknowledged a barrier sent
 * after the commit (`awaitAcknowledgements`): notices arrive in commit order, so an instance that acknowledged the
 * barrier has dropped everything the change made stale. An instance that does not acknowledge is waited for until
 * its lease runs out, and an instance trusts its memory only while its own lease (counted from before it asked
 * for it, with a margin) has not run out and its subscription is up: so after any writer's answer, no instance
 * serves what the change made stale. An instance that is not trusted asks PostgreSQL (articles) or renders afresh.
 */

export const VIEWS_CHANNEL = "vellum_views";
/** The notice of any change of groups, members or spaces (decision 0029). */
export const ACCESS_NOTICE = "a";
/** How long a lease lasts in the database; renewed every HEARTBEAT_MS. */
export const LEASE_MS = 5000;
const HEARTBEAT_MS = 1000;
/** An instance stops trusting its memory this long before the database's copy of its lease runs out. */
const LEASE_MARGIN_MS = 1500;
/** Longest a writer waits for acknowledgements (a lease's length, plus the round trips). */
const BARRIER_MAX_MS = LEASE_MS + 1000;
/** The number of tags remembered before they are forgotten all at once (reads in flight are then not kept). */
const MAX_REMEMBERED_TAGS = 100_000;

type Pending = { waiting: Set<string>; done: () => void };

type State = {
  instanceId: string;
  client: pg.Client | null;
  listening: boolean;
  /** Date.now() until which this instance may trust what it keeps. */
  trustedUntil: number;
  /** Bumped by every notice; a read's ticket is the value when it began. */
  seq: number;
  /** Reads that began before this are never kept (a lost subscription, forgotten tags). */
  floor: number;
  tagSeq: Map<string, number>;
  tagListeners: ((tag: string) => void)[];
  resetListeners: (() => void)[];
  pending: Map<string, Pending>;
  barriers: number;
  started: boolean;
  heartbeat: NodeJS.Timeout | null;
  queue: Promise<unknown>;
  counters: { notices: number; barriers: number; acknowledged: number; waitedForLeases: number; subscriptions: number };
};

const state: State = ((globalThis as unknown as Record<symbol, State | undefined>)[Symbol.for("vellum.coherence")] ??= {
  instanceId: `${hostname().replace(/[^A-Za-z0-9.-]/g, "")}-${process.pid}-${randomBytes(4).toString("hex")}`,
  client: null,
  listening: false,
  trustedUntil: 0,
  seq: 0,
  floor: 0,
  tagSeq: new Map(),
  tagListeners: [],
  resetListeners: [],
  pending: new Map(),
  barriers: 0,
  started: false,
  heartbeat: null,
  queue: Promise.resolve(),
  counters: { notices: 0, barriers: 0, acknowledged: 0, waitedForLeases: 0, subscriptions: 0 },
});

/** Subscribe (once per process); re-subscribes a second after the connection is lost. */
export function startCoherence(): void {
  if (state.started) return;
  state.started = true;
  void subscribe();
}

/** Is this instance's memory trustworthy now (subscribed, lease current)? */
export function isTrusted(): boolean {
  return state.listening && Date.now() < state.trustedUntil;
}

/** Call when `fn(tag)` should run for every notice (in order, before any acknowledgement is sent). */
export function onNotice(fn: (tag: string) => void): void {
  state.tagListeners.push(fn);
}

/** Call when `fn` should run whenever notices may have been missed (subscription lost): drop everything kept. */
export function onReset(fn: () => void): void {
  state.resetListeners.push(fn);
}

/** Taken before a read whose result may be kept; null when nothing may be kept now. */
export function readTicket(): number | null {
  return isTrusted() ? state.seq : null;
}

/** May a result read under `ticket`, depending on `tags`, be kept: no notice of those tags (or loss) came since. */
export function mayKeep(ticket: number | null, tags: readonly string[]): boolean {
  if (ticket === null || ticket < state.floor || !isTrusted()) return false;
  return tags.every((t) => (state.tagSeq.get(t) ?? 0) <= ticket);
}

function reset() {
  state.seq++;
  state.floor = state.seq;
  state.tagSeq.clear();
  for (const fn of state.resetListeners) fn();
}

function heard(payload: string) {
  if (payload.startsWith("b:")) {
    // a barrier: everything before it has been handled (notices are handled in order, synchronously)
    if (state.client) void send(state.client, "SELECT pg_notify($1, $2)", [VIEWS_CHANNEL, `a:${payload.slice(2)} ${state.instanceId}`]).catch(() => {});
    return;
  }
  if (payload.startsWith("a:")) {
    const [barrier = "", from = ""] = payload.slice(2).split(" ");
    const p = state.pending.get(barrier);
    if (p && p.waiting.delete(from) && p.waiting.size === 0) p.done();
    return;
  }
  state.counters.notices++;
  state.seq++;
  if (state.tagSeq.size >= MAX_REMEMBERED_TAGS) {
    state.floor = state.seq;
    state.tagSeq.clear();
  }
  state.tagSeq.set(payload, state.seq);
  for (const fn of state.tagListeners) fn(payload);
}

/** The subscription is gone (lost or stopped): nothing kept is trusted, and anything kept is forgotten. */
function unsubscribed() {
  state.client = null;
  state.listening = false;
  state.trustedUntil = 0;
  if (state.heartbeat) clearInterval(state.heartbeat);
  state.heartbeat = null;
  reset();
}

async function subscribe(): Promise<void> {
  if (!state.started) return;
  const client = new pg.Client({ connectionString: getConfig().DATABASE_URL, keepAlive: true, query_timeout: 2000, application_name: `vellum-coherence ${state.instanceId}` });
  const lost = () => {
    if (state.client !== client) return;
    unsubscribed();
    client.end().catch(() => {});
    if (state.started) setTimeout(() => void subscribe(), 1000).unref();
  };
  client.on("error", lost);
  client.on("end", lost);
  client.on("notification", (msg) => {
    if (state.client === client && msg.channel === VIEWS_CHANNEL && msg.payload) heard(msg.payload);
  });
  state.client = client;
  try {
    await client.connect();
    await client.query(`LISTEN ${VIEWS_CHANNEL}`);
    // anything kept before this moment may have missed notices
    reset();
    state.listening = true;
    state.counters.subscriptions++;
    await renew(client);
    state.heartbeat = setInterval(() => void renew(client).catch(lost), HEARTBEAT_MS);
    state.heartbeat.unref();
  } catch {
    lost();
  }
}

/** The subscription's statements, one at a time (a pg client runs one query at once). */
function send(client: pg.Client, text: string, values: unknown[]): Promise<unknown> {
  const next = state.queue.then(() => client.query(text, values));
  state.queue = next.catch(() => {});
  return next;
}

async function renew(client: pg.Client): Promise<void> {
  const asked = Date.now();
  await send(client, 
    `INSERT INTO instances (id, lease_until) VALUES ($1, now() + $2 * interval '1 millisecond')
     ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until`,
    [state.instanceId, LEASE_MS],
  );
  // notices committed before the renewal were delivered before its answer: trust may be extended
  if (state.client === client && state.listening) state.trustedUntil = asked + LEASE_MS - LEASE_MARGIN_MS;
}

/**
 * Resolves once every live instance has handled the notices of every change committed before the call (or its
 * lease has run out). Called by every change's request after its commit (lib/http/route.ts). Never throws.
 */
export async function awaitAcknowledgements(): Promise<void> {
  if (!state.started) return;
  const client = state.client;
  state.counters.barriers++;
  try {
    const { rows } = await sqlPool().query<{ id: string; left_ms: number }>({
      name: "vellum-live-instances",
      text: "SELECT id, (extract(epoch FROM lease_until - now()) * 1000)::float8 AS left_ms FROM instances WHERE lease_until > now()",
    });
    if (!rows.length) return;
    if (!client || !state.listening) {
      // this instance cannot hear acknowledgements: wait for every lease to run out (rare: our subscription is down)
      state.counters.waitedForLeases++;
      await sleep(Math.min(BARRIER_MAX_MS, Math.max(...rows.map((r) => r.left_ms))));
      return;
    }
    const id = `${state.instanceId}.${++state.barriers}`;
    await new Promise<void>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const done = () => {
        state.pending.delete(id);
        for (const t of timers) clearTimeout(t);
        resolve();
      };
      const p: Pending = { waiting: new Set(rows.map((r) => r.id)), done };
      state.pending.set(id, p);
      // one that does not answer is waited for until its lease runs out (it stops trusting its memory before)
      for (const r of rows) {
        timers.push(
          setTimeout(() => {
            if (p.waiting.delete(r.id)) state.counters.waitedForLeases++;
            if (p.waiting.size === 0) done();
          }, Math.min(BARRIER_MAX_MS, r.left_ms + 50)),
        );
      }
      send(client, "SELECT pg_notify($1, $2)", [VIEWS_CHANNEL, `b:${id}`]).catch(() => {
        // could not send it: fall back to the leases (the timers above)
      });
    });
    state.counters.acknowledged++;
  } catch (e) {
    console.error("[vellum] coherence: could not wait for acknowledgements:", e);
    await sleep(BARRIER_MAX_MS);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** This process's view of coherence, for the cache statistics. */
export function coherenceCounters() {
  return { instance: state.instanceId, subscribed: state.listening, trusted: isTrusted(), ...state.counters };
}

/** Stop (tests, shutdown): nothing kept is trusted after this; the lease is given back. */
export async function stopCoherence(): Promise<void> {
  const client = state.client;
  state.started = false;
  unsubscribed();
  if (client) {
    await send(client, "DELETE FROM instances WHERE id = $1", [state.instanceId]).catch(() => {});
    await client.end().catch(() => {});
  }
}
