// Next.js calls register() once when a server process starts: every instance runs the mail worker and (with
// shared caches in front) the purge worker, creates the
// Main Page on a fresh wiki, brings links read by an older renderer up to date, fills the blame of revisions older than blame,
// renders again (when idle) the pages whose render gave up at its deadline, sends view counts to memcached
// in batches; the HTTP front gets the hot files' interface (lib/files/hot-files.ts) and the front
// cache's (lib/cache/front-cache.ts) when the caches are on.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startMailWorker } = await import("@/lib/mail/worker");
    startMailWorker();
    const { startPurgeWorker } = await import("@/lib/cache/cdn");
    startPurgeWorker();
    const { startViewCountFlush } = await import("@/lib/cache/view-counts");
    startViewCountFlush();
    const { ensureMainPage, startLinksRefresh } = await import("@/lib/wiki/startup");
    await ensureMainPage().catch((e: unknown) => console.error("[vellum] could not create the Main Page:", e));
    startLinksRefresh();
    const { startBlameFill } = await import("@/lib/wiki/blame");
    startBlameFill();
    const { startRenderRetry } = await import("@/lib/wiki/render-retry");
    void startRenderRetry().catch((e: unknown) => console.error("[vellum] could not look for renders to retry:", e));
    const { getConfig } = await import("@/lib/config");
    const config = getConfig();
    const { installHotFiles } = await import("@/lib/files/hot-files");
    installHotFiles();
    const { removeStaleUploads } = await import("@/lib/files/storage");
    void removeStaleUploads();
    if (config.PAGE_CACHE === "on" && config.FRONT_CACHE === "on") {
      const { installFrontCache } = await import("@/lib/cache/front-cache");
      const { currentPageState } = await import("@/lib/wiki/page-reads");
      const { sessionReaders } = await import("@/lib/auth/session-reader");
      const { accountHtml } = await import("@/app/_components/chrome");
      installFrontCache(currentPageState, sessionReaders, (reader) => accountHtml(reader));
    }
  }
}
