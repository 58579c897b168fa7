import "server-only";
import { getConfig } from "@/lib/config";

/** The wiki's own origin for absolute links (feeds, mail): NEXTAUTH_URL when set, else the request's origin. */
export function siteBase(req?: Request): string {
  const configured = getConfig().NEXTAUTH_URL;
  if (configured) return configured.replace(/\/$/, "");
  return req ? new URL(req.url).origin : "http://localhost:3000";
}
