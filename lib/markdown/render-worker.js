// A worker thread that renders Markdown for render-pool.ts, so that a slow render never blocks the event loop
// and can be stopped at its deadline. Each message is one render; the answer carries the message's id.
// Plain JavaScript, like render.js: a worker's code must start without the tests' TypeScript loader.
import { readlinkSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { renderMarkdown } from "./render.js";

parentPort?.on("message", (/** @type {{ id: number, markdown: string }} */ { id, markdown }) => {
  try {
    parentPort?.postMessage({ id, rendered: renderMarkdown(markdown) });
  } catch (e) {
    // e.g. RangeError (stack overflow) on nesting the depth check did not see: the caller falls back to plain text
    parentPort?.postMessage({ id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
});
/** This thread's id (Linux: /proc/thread-self names it), so the pool can read its CPU time; null elsewhere. */
function threadId() {
  try {
    return Number(readlinkSync("/proc/thread-self").split("/").at(-1)) || null;
  } catch {
    return null;
  }
}

// loaded (marked, highlight.js, KaTeX): a render's deadline counts from here, not from the thread's start
parentPort?.postMessage({ ready: true, tid: threadId() });
