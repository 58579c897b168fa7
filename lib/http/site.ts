import "server-only";
import { getConfig } from "@/lib/config";
import { siteOrigins } from "./front-rules.js";

/**
 * The wiki's one canonical origin (NEXTAUTH_URL; `npm start` sets it, else http://localhost:PORT): absolute links
 * in feeds and mail are built from it, never from a request's Host, and it decides which requests may change
 * state (decision 0018).
 */
export function siteBase(): string {
  const config = getConfig();
  return (config.NEXTAUTH_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, "");
}

/** The origins accepted as this site's (siteBase's, and its loopback aliases when it names the machine). */
export function siteOriginSet(): Set<string> {
  return siteOrigins(siteBase());
}
