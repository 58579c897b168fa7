import type { Metadata } from "next";
import { AdminOnly, requireAdmin } from "../guard";
import { getCacheStats } from "@/lib/cache/stats";
import { TableHead } from "@/app/_components/TableHead";
import { JsonButton } from "@/app/_components/JsonButton";

export const metadata: Metadata = { title: "Cache" };

const fmt = new Intl.NumberFormat("en-GB");

/** /admin/cache: the page cache at a glance (admins only). */
export default async function CacheAdminPage() {
  if (!(await requireAdmin("/admin/cache"))) return <AdminOnly heading="Cache" />;
  const s = await getCacheStats();
  const rows: [string, string][] = [
    ["Backend", s.backend === "memcached" ? `memcached (${s.serversUp} of ${s.servers} servers up)` : "in-process memory"],
    ["Hits", fmt.format(s.hits)],
    ["Misses", fmt.format(s.misses)],
    ["Hit ratio", `${(s.hitRatio * 100).toFixed(1)} %`],
    ["Items", fmt.format(s.items)],
    ["Bytes", fmt.format(s.bytes)],
    ["Evictions", fmt.format(s.evictions)],
  ];
  const pc = s.pageCache;
  return (
    <>
      <div className="page-head">
        <h1>Cache</h1>
      </div>
      <p data-testid="guestbook-line">
        Cache hits: {fmt.format(s.hits)}
        <br />
        Cache misses: {fmt.format(s.misses)}
      </p>
      <p>
        <JsonButton method="POST" url="/api/admin/cache/flush" label="Empty the cache (flush_all)"
          confirm="Empty memcached on every server? Pages stay correct; the next views are slower while it refills." />
      </p>
      <h2>All servers</h2>
      <div className="table-scroll">
        <table className="list">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Page cache on this instance</h2>
      <div className="table-scroll">
        <table className="list">
          <TableHead columns={["Hits", "Misses", "Renders", "Errors", "Too large to cache"]} />
          <tbody>
            <tr>
              <td>{fmt.format(pc.hits)}</td>
              <td>{fmt.format(pc.misses)}</td>
              <td>{fmt.format(pc.renders)}</td>
              <td>{fmt.format(pc.errors)}</td>
              <td>{fmt.format(pc.tooLarge)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <h2>Front cache on this instance</h2>
      <p>
        Finished documents of signed-out article views, served without entering Next.js while PostgreSQL confirms they
        show the current revision.
      </p>
      <div className="table-scroll">
        <table className="list">
          <TableHead columns={["Hits", "Found outdated", "Check failed", "Documents", "Bytes"]} />
          <tbody>
            <tr>
              <td>{fmt.format(s.frontCache.hits)}</td>
              <td>{fmt.format(s.frontCache.stale)}</td>
              <td>{fmt.format(s.frontCache.validationErrors)}</td>
              <td>{fmt.format(s.frontCache.entries)}</td>
              <td>{fmt.format(s.frontCache.bytes)}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <p className="muted">Counters of other instances are on their own /admin/cache pages.</p>
    </>
  );
}
