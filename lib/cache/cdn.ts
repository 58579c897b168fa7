import "server-only";
import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";

/**
 * Purges of the shared HTTP caches in front of the wiki (Varnish with xkey; docs/decisions/0025-purges.md).
 *
 * A document the same for every signed-out reader carries surrogate keys (`xkey`), one per tag of the front cache
 * (`t:<title>`, `w`), and `Surrogate-Control: max-age`. Triggers queue, in the changing transaction, one row of
 * `cdn_purges` with the tags it touched (migration `cdn_purges`). After commit the change's request sends the
 * purges to every cache and waits, for at most CDN_PURGE_WAIT_MS, for each cache that is answering to acknowledge;
 * a background round every half second retries what is unacknowledged and sends every purge again once
 * CDN_REBOUND_SECONDS have passed since it was first seen (a fetch that straddled the commit may have put the old
 * document back). A row is deleted once every cache acknowledged both, or when CDN_MAX_AGE_SECONDS have passed
 * (no cache holds anything older).
 */

/** Longest one purge request may take (a cache cut off is retried by the next round). */
const PURGE_TIMEOUT_MS = 1000;
/** How long a sender holds the rows it took (others leave them alone meanwhile). */
const CLAIM_SECONDS = 3;
/** Keys per request: Varnish's header limit is 8 KiB by default, a key is 16 characters. */
const KEYS_PER_REQUEST = 200;
const ROUND_MS = 500;

/** The purge listeners of the caches, or none (no shared cache in front). */
export function cdnTargets(): string[] {
  return getConfig().PURGE_TARGETS?.split(",") ?? [];
}

/** A tag's surrogate key: xkey splits its header at spaces and commas, which titles contain; a hash has neither. */
export function surrogateKey(tag: string): string {
  return createHash("sha256").update(tag).digest("base64url").slice(0, 16);
}

/** The headers that let a shared cache keep a signed-out document showing `tags`, or null when there is none. */
export function cdnHeaders(tags: readonly string[]): [string, string][] | null {
  if (!cdnTargets().length) return null;
  return [
    ["xkey", tags.map(surrogateKey).join(" ")],
    ["Surrogate-Control", `max-age=${getConfig().CDN_MAX_AGE_SECONDS}`],
  ];
}

/** Caches whose last purge failed: a change does not wait for them (the rounds keep trying). */
const unreachable = new Set<string>();
const agents = new Map<string, http.Agent>();
export const purgeCounters = { sent: 0, acknowledged: 0, failed: 0, rounds: 0 };

/** The address purges leave from: this instance's own (the caches accept purges from the app's addresses only). */
function localAddress(): string | undefined {
  const bind = process.env.BIND_ADDRESS;
  return bind && bind !== "0.0.0.0" && bind !== "::" && bind !== "localhost" ? bind : undefined;
}

function agentFor(target: string): http.Agent {
  let agent = agents.get(target);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 4, localAddress: localAddress() };
    agent = target.startsWith("https:") ? new https.Agent(options) : new http.Agent(options);
    agents.set(target, agent);
  }
  return agent;
}

/** One PURGE of `keys` at `target`: true when the cache answered 200. */
function purge(target: string, keys: string[]): Promise<boolean> {
  const url = new URL(target);
  const request = url.protocol === "https:" ? https.request : http.request;
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: "PURGE", agent: agentFor(target), headers: { "xkey-purge": keys.join(" ") }, timeout: PURGE_TIMEOUT_MS },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === 200));
        res.on("error", () => resolve(false));
      },
    );
    req.on("timeout", () => req.destroy(new Error("purge timed out")));
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Send every key to `target`, in requests of KEYS_PER_REQUEST: acknowledged only when every request was. */
async function purgeAll(target: string, keys: string[]): Promise<boolean> {
  for (let i = 0; i < keys.length; i += KEYS_PER_REQUEST) {
    purgeCounters.sent++;
    if (!(await purge(target, keys.slice(i, i + KEYS_PER_REQUEST)))) {
      purgeCounters.failed++;
      unreachable.add(target);
      return false;
    }
  }
  purgeCounters.acknowledged++;
  unreachable.delete(target);
  return true;
}

type Claimed = { id: bigint; tags: string[]; sent_to: string[]; rebound_to: string[]; rebound_due: boolean };

/**
 * Take the purges due now (not yet acknowledged by every cache, or due for their rebound), send them, record the
 * acknowledgements; delete what is done or past the caches' max-age. Returns the number of rows taken.
 */
export async function deliverPurges(): Promise<number> {
  const targets = cdnTargets();
  if (!targets.length) return 0;
  const config = getConfig();
  const rebound = config.CDN_REBOUND_SECONDS;
  const claimed = await db().$queryRaw<Claimed[]>`
    UPDATE cdn_purges SET claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}), seen_at = coalesce(seen_at, now())
    WHERE id IN (
      SELECT id FROM cdn_purges
      WHERE (claimed_until IS NULL OR claimed_until < now())
        AND (NOT sent_to @> ${targets}::text[]
          OR (NOT rebound_to @> ${targets}::text[] AND seen_at + make_interval(secs => ${rebound}) <= now()))
      ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED)
    RETURNING id, tags, sent_to, rebound_to, seen_at + make_interval(secs => ${rebound}) <= now() AS rebound_due`;
  if (!claimed.length) return 0;
  const acked = await Promise.all(
    targets.map(async (target) => {
      const rows = claimed.filter((r) => !r.sent_to.includes(target) || (r.rebound_due && !r.rebound_to.includes(target)));
      if (!rows.length) return null;
      const keys = [...new Set(rows.flatMap((r) => r.tags))].map(surrogateKey);
      return (await purgeAll(target, keys)) ? target : null;
    }),
  );
  const ok = acked.filter((t): t is string => t !== null);
  const ids = claimed.map((r) => r.id);
  const reboundIds = claimed.filter((r) => r.rebound_due).map((r) => r.id);
  await db().$executeRaw`
    UPDATE cdn_purges SET claimed_until = NULL,
      sent_to = ARRAY(SELECT DISTINCT unnest(sent_to || ${ok}::text[])),
      rebound_to = CASE WHEN id = ANY(${reboundIds}::bigint[]) THEN ARRAY(SELECT DISTINCT unnest(rebound_to || ${ok}::text[])) ELSE rebound_to END
    WHERE id = ANY(${ids}::bigint[])`;
  await db().$executeRaw`
    DELETE FROM cdn_purges
    WHERE id = ANY(${ids}::bigint[])
      AND ((sent_to @> ${targets}::text[] AND rebound_to @> ${targets}::text[])
        OR created_at < now() - make_interval(secs => ${config.CDN_MAX_AGE_SECONDS}))`;
  return claimed.length;
}

/**
 * After a change has committed: send its purges (and any others due) and wait, for at most CDN_PURGE_WAIT_MS,
 * until every cache that is answering has acknowledged every purge queued up to now. Never throws.
 */
export async function awaitPurges(): Promise<void> {
  const targets = cdnTargets();
  if (!targets.length) return;
  const deadline = Date.now() + getConfig().CDN_PURGE_WAIT_MS;
  try {
    const last = (await db().$queryRaw<{ last: bigint | null }[]>`SELECT max(id) AS last FROM cdn_purges`)[0]?.last ?? null;
    if (last === null) return;
    for (;;) {
      await deliverPurges();
      const live = targets.filter((t) => !unreachable.has(t));
      if (!live.length) return;
      const left = await db().$queryRaw<{ left: number }[]>`
        SELECT count(*)::int AS left FROM cdn_purges WHERE id <= ${last} AND NOT sent_to @> ${live}::text[]`;
      if (!left[0]?.left || Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (e) {
    console.error("[vellum] purges: could not send after a change:", e instanceof Error ? e.message : e);
  }
}

let timer: NodeJS.Timeout | undefined;
let running = false;

/** Retry and rebound in the background, every half second (when there are caches to purge). */
export function startPurgeWorker(): void {
  if (timer || !cdnTargets().length) return;
  timer = setInterval(() => {
    if (running) return;
    running = true;
    purgeCounters.rounds++;
    deliverPurges()
      .catch((e: unknown) => console.error("[vellum] purges:", e instanceof Error ? e.message : e))
      .finally(() => (running = false));
  }, ROUND_MS);
  timer.unref();
}

/** Without caches in front the queue is only pruned (rows older than a minute). */
export async function prunePurges(): Promise<void> {
  if (!cdnTargets().length) await db().$executeRaw`DELETE FROM cdn_purges WHERE created_at < now() - interval '1 minute'`;
}
