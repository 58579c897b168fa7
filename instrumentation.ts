// Next.js calls register() once when a server process starts: every instance runs the mail worker.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startMailWorker } = await import("@/lib/mail/worker");
    startMailWorker();
  }
}
