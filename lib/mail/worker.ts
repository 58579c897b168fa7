import "server-only";
import { getConfig } from "@/lib/config";
import { processOutbox } from "./outbox";
import { queueDueDigests } from "./digests";
import { pruneExpiredRows } from "@/lib/db/maintenance";

const POLL_MS = 2000;
let running = false;
let again = false;
let timer: NodeJS.Timeout | undefined;

/** Send what is due now; overlapping calls fold into one more round. Never throws. */
async function runOutboxOnce(): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  running = true;
  try {
    await pruneExpiredRows();
    await queueDueDigests();
    do {
      again = false;
      const { sent, failed } = await processOutbox();
      if (sent + failed >= 20) again = true; // a full batch: there may be more
    } while (again);
  } catch (e) {
    console.error("[vellum] mail worker:", e instanceof Error ? e.message : e);
  } finally {
    running = false;
  }
}

/** Start polling the outbox in this process (every instance runs one; claims keep them apart). MAIL_WORKER=off: none. */
export function startMailWorker(): void {
  if (timer || getConfig().MAIL_WORKER === "off") return;
  timer = setInterval(() => void runOutboxOnce(), POLL_MS);
  timer.unref();
}

/** Send soon, without waiting for the next poll (after a change that queued mail has committed). */
export function wakeMailWorker(): void {
  if (getConfig().MAIL_WORKER === "off") return;
  setImmediate(() => void runOutboxOnce());
}
