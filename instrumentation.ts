// Next.js calls register() once when a server process starts: every instance runs the mail worker and brings
// links read by an older renderer up to date, and the HTTP front gets the front cache's interface (lib/cache/front-cache.ts) when the caches are on.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startMailWorker } = await import("@/lib/mail/worker");
    startMailWorker();
    const { startLinksRefresh } = await import("@/lib/wiki/pages");
    startLinksRefresh();
    const { getConfig } = await import("@/lib/config");
    const config = getConfig();
    if (config.PAGE_CACHE === "on" && config.FRONT_CACHE === "on") {
      const { installFrontCache } = await import("@/lib/cache/front-cache");
      const { currentPageState } = await import("@/lib/wiki/pages");
      installFrontCache(currentPageState);
    }
  }
}
