import "server-only";
import { Worker } from "node:worker_threads";
import { AppError } from "@/lib/errors";
import { plainTextFallback, type Rendered } from "./render";

/**
 * Markdown rendering off the event loop, with a deadline (docs/decisions/0013-limits-on-cpu-heavy-work.md).
 * marked's inline parser is quadratic on some inputs (`_a` repeated) and recursive on nesting, and a page may hold
 * 1 MiB of text, so a render runs in a worker thread: the event loop keeps serving, and a render that passes its
 * deadline has its worker terminated and gives up cleanly, showing the text as plain text.
 */
export const RENDER_LIMITS = {
  /** Time one render may run in its worker. */
  deadlineMs: 1000,
  /** Worker threads per process. */
  workers: 2,
  /** Renders that may wait for a worker before new ones are refused (503). */
  maxQueued: 64,
} as const;

/** A render, and whether it gave up (then `rendered` is the plain-text fallback). */
export type BoundedRender = { rendered: Rendered; gaveUp: null | "deadline" | "error" };

type Job = { id: number; markdown: string; resolve: (r: BoundedRender) => void };
/** A worker, its job, the job's deadline; `ready` once its modules are loaded (a deadline never counts loading). */
type Slot = { worker: Worker; job: Job | null; timer: NodeJS.Timeout | null; ready: boolean };

/** A worker that has not loaded within this long is replaced (its job gives up). */
const STARTUP_MS = 30_000;

/** This process's render counters, for /api/cache/stats and the admin page. */
export const renderCounters = { renders: 0, deadlines: 0, errors: 0, refused: 0 };

const queue: Job[] = [];
const slots: Slot[] = [];
let nextId = 1;

function spawn(): Slot {
  const worker = new Worker(new URL("./render-worker.js", import.meta.url));
  const slot: Slot = { worker, job: null, timer: null, ready: false };
  const startup = setTimeout(() => replace(slot, "deadline"), STARTUP_MS);
  startup.unref();
  worker.on("message", (msg: { id: number; rendered?: Rendered; error?: string; ready?: boolean }) => {
    if (msg.ready) {
      clearTimeout(startup);
      slot.ready = true;
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

function startDeadline(slot: Slot) {
  slot.timer = setTimeout(() => replace(slot, "deadline"), RENDER_LIMITS.deadlineMs);
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
 * Render Markdown in a worker within RENDER_LIMITS.deadlineMs. Never throws for the text's sake: a render that
 * overruns or fails gives the plain-text fallback. When too many renders already wait, answers 503.
 */
export function renderBounded(markdown: string): Promise<BoundedRender> {
  if (queue.length >= RENDER_LIMITS.maxQueued) {
    renderCounters.refused++;
    return Promise.reject(new AppError("unavailable", "The server is busy formatting pages; try again in a moment"));
  }
  renderCounters.renders++;
  return new Promise((resolve) => {
    queue.push({ id: nextId++, markdown, resolve });
    dispatch();
  });
}
