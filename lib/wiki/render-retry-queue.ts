// The revisions whose render gave up at its deadline in this process, waiting to be rendered again when it is idle
// (lib/wiki/render-retry.ts runs them). Apart from the runner so that keeping a render (lib/wiki/revisions.ts) can
// name one without importing what renders pages.

type Queue = { waiting: Set<number>; wake: (() => void) | null };

const queue: Queue = ((globalThis as unknown as Record<symbol, Queue | undefined>)[Symbol.for("vellum.renderRetry")] ??= {
  waiting: new Set(),
  wake: null,
});

/** A revision whose kept render gave up at its deadline: to be rendered again when this process is idle. */
export function retryLater(revisionId: number): void {
  queue.waiting.add(revisionId);
  queue.wake?.();
}

/** The next waiting revision, taken off the queue, or undefined. */
export function nextToRetry(): number | undefined {
  const [id] = queue.waiting;
  if (id !== undefined) queue.waiting.delete(id);
  return id;
}

/** How many wait. */
export function waitingToRetry(): number {
  return queue.waiting.size;
}

/** The runner, told whenever one is added (installed once by lib/wiki/render-retry.ts). */
export function onRetryWaiting(wake: () => void): void {
  queue.wake = wake;
}
