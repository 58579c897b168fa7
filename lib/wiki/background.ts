// Work an instance does in the background after start-up, in steps (the refresh of links read by an older
// renderer, the fill of blames older than blame).

const running = new Set<string>();

/**
 * Run `step` in the background after start-up (after `delayMs`), again and again while it says there is more,
 * once per process for each `name`; a failure is logged and the work waits for the next start.
 */
export function repeatInBackground(name: string, step: () => Promise<boolean>, delayMs: number): void {
  if (running.has(name)) return;
  running.add(name);
  const go = async () => {
    try {
      if (await step()) setTimeout(() => void go(), 50).unref();
      else running.delete(name);
    } catch (e) {
      console.error(`[vellum] ${name} failed; tried again at the next start:`, e);
      running.delete(name);
    }
  };
  setTimeout(() => void go(), delayMs).unref();
}
