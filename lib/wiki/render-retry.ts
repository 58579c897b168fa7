import "server-only";
import { db } from "@/lib/db";
import { forgetCached, pageCacheKey } from "@/lib/cache/page-cache";
import { renderBounded, renderPoolIdle } from "@/lib/markdown/render-pool";
import { keepRender } from "./revisions";
import { nextToRetry, onRetryWaiting, retryLater, waitingToRetry } from "./render-retry-queue";
import { refreshPageState } from "./startup";

// A render that passed its deadline at save is shown as plain text, its links read without rendering (so the
// link graph is whole at once). A busy machine can make a good page pass the deadline, so that is not the end:
// when this process renders nothing else, the current revisions of live pages whose render gave up are rendered
// again with a larger budget, alone. One that succeeds replaces the fallback everywhere (its kept render, the
// page's links and search entry, the view's version, so no cache serves the fallback again); one that fails
// again, alone and with ten times the budget, is hostile or hopeless text and keeps its fallback
// (gave_up = 'alone'), never tried again until the renderer changes.

/** CPU time a retried render may use: ten times a save's. */
export const RETRY_BUDGET_MS = 10_000;
/** How often an instance looks whether it is idle and has given-up renders to retry. */
const RETRY_INTERVAL_MS = 2000;
/** Given-up renders an instance finds at start (from saves on any instance, or before a restart). */
const FOUND_AT_START = 200;

let timer: NodeJS.Timeout | null = null;

function schedule() {
  if (timer || waitingToRetry() === 0) return;
  timer = setTimeout(() => {
    timer = null;
    void retryOne()
      .catch((e: unknown) => console.error("[vellum] retrying a render that gave up failed:", e))
      .finally(schedule);
  }, RETRY_INTERVAL_MS);
  timer.unref();
}

/**
 * At start (instrumentation.ts): retry what gives up from now on, and the current revisions of live pages whose
 * render gave up before (a bounded number).
 */
export async function startRenderRetry(): Promise<void> {
  onRetryWaiting(schedule);
  const rows = await db().$queryRaw<{ id: number }[]>`
    SELECT r.revision_id AS id FROM revision_renders r JOIN pages p ON p.latest_revision_id = r.revision_id
    WHERE r.gave_up = 'deadline' AND p.title IS NOT NULL ORDER BY r.revision_id LIMIT ${FOUND_AT_START}`;
  for (const r of rows) retryLater(r.id);
}

/** Retry one waiting render when nothing else renders here. Returns what became of it (for tests and logs). */
export async function retryOne(): Promise<"idle-wait" | "none" | "rendered" | "kept-fallback" | "skipped"> {
  if (!renderPoolIdle()) return "idle-wait";
  const id = nextToRetry();
  return id === undefined ? "none" : retryRender(id);
}

/** Render revision `id` again with the larger budget, if it is still a live page's current one whose render gave up. */
export async function retryRender(id: number, budgetMs = RETRY_BUDGET_MS): Promise<"rendered" | "kept-fallback" | "skipped"> {
  const rows = await db().$queryRaw<{ page_id: number; title: string; markdown: string }[]>`
    SELECT p.id AS page_id, p.title, v.markdown FROM revision_renders r JOIN revisions v ON v.id = r.revision_id
    JOIN pages p ON p.latest_revision_id = r.revision_id
    WHERE r.revision_id = ${id} AND r.gave_up = 'deadline' AND p.title IS NOT NULL`;
  const page = rows[0];
  if (!page) return "skipped";
  const result = await renderBounded(page.markdown, { budgetMs });
  if (result.gaveUp) {
    await db().$executeRaw`UPDATE revision_renders SET gave_up = 'alone' WHERE revision_id = ${id} AND gave_up = 'deadline'`;
    return "kept-fallback";
  }
  await keepRender(db(), id, result);
  // the revision's kept HTML is cached by its id: dropped, so the next read takes the new one (only a read that
  // missed the cache and began before the new render was kept could store the old one back: decision 0028)
  await forgetCached(pageCacheKey(["rev", id, "view"]));
  await refreshPageState({ id: page.page_id, title: page.title, latestRevisionId: id });
  await db().$executeRaw`UPDATE pages SET view_version = view_version + 1 WHERE id = ${page.page_id} AND latest_revision_id = ${id}`;
  return "rendered";
}
