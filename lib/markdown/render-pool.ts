import "server-only";
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { AppError } from "@/lib/errors";
import { plainTextFallback, type Rendered } from "./render";

/**
 * Markdown rendering off the event loop, with a deadline (docs/decisions/0013-limits-on-cpu-heavy-work.md).
 * marked's inline parser is quadratic on some inputs (`_a` repeated) and recursive on nesting, and a page may hold
 * 1 MiB of text, so a render runs in a worker thread: the event loop keeps serving, and a render that passes its
 * deadline has its worker terminated and gives up cleanly, showing the text as plain text (its links still recorded,
 * read without rendering; lib/wiki/render-retry.ts renders it again when the machine is idle).
 *
 * The deadline bounds hostile text, not load: it counts the worker thread's own CPU time (read from Linux's
 * /proc/self/task/<tid>/stat, the thread's id told by the worker), so a render that waits for a core on a busy
 * machine is not stopped for waiting. Where that cannot be read it counts the clock; either way a render is stopped
 * once the clock passes WALL_FACTOR times its budget.
 */
export const RENDER_LIMITS = {
  /** CPU time one render may use in its worker (tests lower it). */
  deadlineMs: 1000,
  /** Worker threads per process. */
  workers: 2,
  /** Renders that may wait for a worker before new ones are refused (503). */
  maxQueued: 64,
};

/** How many times its CPU budget a render may take by the clock, however starved of CPU, before it is stopped. */
const WALL_FACTOR = 10;
/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux Node.js runs on). */
const CLOCK_TICKS = 100;

/** A render, and whether it gave up (then `rendered` is the plain-text fallback). */
export type BoundedRender = { rendered: Rendered; gaveUp: null | "deadline" | "error" };

type Job = { id: number; markdown: string; budgetMs: number; resolve: (r: BoundedRender) => void };
/**
 * A worker, its job, the job's deadline check; `ready` once its modules are loaded (a deadline never counts
 * loading); `tid`, the worker thread's id (for its CPU time), when it could tell; the job's start by clock and CPU.
 */
type Slot = { worker: Worker; job: Job | null; timer: NodeJS.Timeout | null; ready: boolean; tid: number | null; started: { at: number; cpu: number | null } };

/** A worker that has not loaded within this long is replaced (its job gives up). */
const STARTUP_MS = 30_000;

/** This process's render counters, for /api/cache/stats and the admin page. */
export const renderCounters = { renders: 0, deadlines: 0, errors: 0, refused: 0 };

const queue: Job[] = [];
const slots: Slot[] = [];
let nextId = 1;

function spawn(): Slot {
  const worker = new Worker(new URL("./render-worker.js", import.meta.url));
  const slot: Slot = { worker, job: null, timer: null, ready: false, tid: null, started: { at: 0, cpu: null } };
  const startup = setTimeout(() => replace(slot, "deadline"), STARTUP_MS);
  startup.unref();
  worker.on("message", (msg: { id: number; rendered?: Rendered; error?: string; ready?: boolean; tid?: number | null }) => {
    if (msg.ready) {
      clearTimeout(startup);
      slot.ready = true;
      slot.tid = msg.tid ?? null;
      if (slot.job && !slot.timer) startDeadline(slot);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    if (msg.error) {
      renderCounters.errors++;
      console.warn(`[vellum] render failed, shown as plain text: ${msg.error}`);
    }
    finish(slot, msg.rendered ? { rendered: msg.rendered, gaveUp: null } : { rendered: plainTextFallback(job.markdown), gaveUp: "error" });
  });
  worker.on("error", (e) => {
    console.error("[vellum] render worker crashed:", e);
    replace(slot, "error");
  });
  worker.on("exit", () => {
    if (slots.includes(slot)) replace(slot, "error");
  });
  return slot;
}

/** Answer the slot's job, then give the worker the next one. */
function finish(slot: Slot, result: BoundedRender) {
  if (slot.timer) clearTimeout(slot.timer);
  const job = slot.job;
  slot.job = null;
  slot.timer = null;
  job?.resolve(result);
  dispatch();
}

/** Retire a worker that overran or died; its job gives up; a fresh worker takes its place when needed. */
function replace(slot: Slot, reason: "deadline" | "error") {
  const index = slots.indexOf(slot);
  if (index !== -1) slots.splice(index, 1);
  void slot.worker.terminate();
  if (slot.job) {
    if (reason === "deadline") renderCounters.deadlines++;
    else renderCounters.errors++;
    finish(slot, { rendered: plainTextFallback(slot.job.markdown), gaveUp: reason });
  } else {
    dispatch();
  }
}

/** A thread's CPU time so far in milliseconds (Linux), or null where it cannot be read. */
function threadCpuMs(tid: number | null): number | null {
  if (tid === null) return null;
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "latin1");
    // after "pid (comm) ": state is the first field, utime the 12th and stime the 13th
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

function startDeadline(slot: Slot) {
  slot.started = { at: Date.now(), cpu: threadCpuMs(slot.tid) };
  slot.timer = setTimeout(() => checkDeadline(slot), slot.job?.budgetMs ?? RENDER_LIMITS.deadlineMs);
}

/** Stop the render once its CPU time (or, unknown, its clock time) has used its budget; else look again later. */
function checkDeadline(slot: Slot) {
  const budget = slot.job?.budgetMs ?? RENDER_LIMITS.deadlineMs;
  const elapsed = Date.now() - slot.started.at;
  const now = slot.started.cpu === null ? null : threadCpuMs(slot.tid);
  const used = now === null || slot.started.cpu === null ? elapsed : now - slot.started.cpu;
  if (used >= budget || elapsed >= budget * WALL_FACTOR) return replace(slot, "deadline");
  // /proc counts in ticks (10 ms): look again when the rest of the budget could have been used
  slot.timer = setTimeout(() => checkDeadline(slot), Math.max(20, budget - used));
}

function dispatch() {
  while (queue.length) {
    let slot = slots.find((s) => !s.job);
    if (!slot && slots.length < RENDER_LIMITS.workers) {
      slot = spawn();
      slots.push(slot);
    }
    if (!slot) return;
    const job = queue.shift()!;
    const busy = slot;
    busy.job = job;
    if (busy.ready) startDeadline(busy);
    busy.worker.ref(); // while it works, the answer is awaited
    busy.worker.postMessage({ id: job.id, markdown: job.markdown });
  }
  for (const s of slots) if (!s.job) s.worker.unref(); // an idle render worker never keeps the process alive
}

/**
 * Render Markdown in a worker within `budgetMs` of CPU time (RENDER_LIMITS.deadlineMs by default). Never throws for the text's sake: a render that
 * overruns or fails gives the plain-text fallback. When too many renders already wait, answers 503.
 */
export function renderBounded(markdown: string, { budgetMs = RENDER_LIMITS.deadlineMs }: { budgetMs?: number } = {}): Promise<BoundedRender> {
  if (queue.length >= RENDER_LIMITS.maxQueued) {
    renderCounters.refused++;
    return Promise.reject(new AppError("unavailable", "The server is busy formatting pages; try again in a moment"));
  }
  renderCounters.renders++;
  activity.renders++;
  return new Promise<BoundedRender>((resolve) => {
    queue.push({ id: nextId++, markdown, budgetMs, resolve });
    dispatch();
  }).finally(() => activity.renders--);
}

/**
 * Renders in flight in this process, whichever copy of this module runs them (Next.js bundles the routes and
 * instrumentation.ts apart, each with its own pool): one count on globalThis.
 */
const activity: { renders: number } = ((globalThis as unknown as Record<symbol, { renders: number } | undefined>)[Symbol.for("vellum.renderActivity")] ??= { renders: 0 });

/** Is no render running or waiting in this process (the background retry of given-up renders waits for it)? */
export function renderPoolIdle(): boolean {
  return activity.renders === 0;
}
