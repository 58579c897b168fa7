import { route } from "@/lib/http/route";
import { assertAdmin } from "@/lib/auth/permissions";
import { getCache } from "@/lib/cache";

/**
 * POST /api/admin/cache/flush: empty memcached (`flush_all`; admins). Safe at any time: no cached entry decides
 * what a reader sees (decisions 0008, 0016, 0017), so a flush costs renders and queries, never a stale page.
 */
export const POST = route({ auth: true }, async ({ user }) => {
  assertAdmin(user);
  return { flushed: await getCache().flushAll() };
});
