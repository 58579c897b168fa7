import "server-only";
import { getCache } from "./index";

/**
 * Page view counts, kept in memcached with `incr`. A view only adds one to a number in this process (no round
 * trip on the hot path, front cache included); every FLUSH_MS the counts are sent in a batch, one `incr` per page
 * viewed. Approximate by nature: memcached may evict or lose them, and a process that dies loses its last batch.
 * Shown on the history page and the list of all pages (read with `get_multi`).
 */
const FLUSH_MS = 10_000;
const NAMESPACE = "views";

/** One map per process: the front (instrumentation's bundle) and the article route (another bundle) share it. */
const pending: Map<string, number> = ((globalThis as unknown as Record<symbol, Map<string, number> | undefined>)[
  Symbol.for("vellum.viewCounts")
] ??= new Map());

/** Count one view of `title` (flushed later). */
export function countView(title: string): void {
  pending.set(title, (pending.get(title) ?? 0) + 1);
}

/** Send the counted views to memcached, one `incr` per page. */
async function flushViewCounts(): Promise<number> {
  if (!pending.size) return 0;
  const batch = [...pending.entries()];
  pending.clear();
  const cache = getCache();
  await Promise.all(batch.map(([title, n]) => cache.incr(title, n, { namespace: NAMESPACE, initialValue: 0 })));
  return batch.length;
}

let timer: NodeJS.Timeout | undefined;

/** Flush every FLUSH_MS in the background (once per process). */
export function startViewCountFlush(): void {
  if (timer) return;
  timer = setInterval(() => void flushViewCounts().catch(() => {}), FLUSH_MS);
  timer.unref();
}

/** The view counts of these titles (0 when unknown), with one `get_multi`. */
export async function viewCounts(titles: string[]): Promise<Map<string, number>> {
  const found = titles.length ? await getCache().getMulti<number>(titles, { namespace: NAMESPACE }) : {};
  return new Map(titles.map((t) => [t, typeof found[t] === "number" ? found[t] : 0]));
}
