import type { Metadata } from "next";
import { getSessionAccess } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { CHANGE_KINDS, changePath, listRecentChanges } from "@/lib/wiki/changes";
import { recentChangesQuerySchema } from "@/lib/wiki/schema";
import { pagePaths } from "@/lib/wiki/titles";
import { ErrorNotice } from "@/app/_components/PageHead";
import { TableHead } from "@/app/_components/TableHead";
import { formatDate, formatDelta } from "@/app/_components/format";

export const metadata: Metadata = {
  title: "Recent changes",
  alternates: { types: { "application/atom+xml": "/recent-changes.atom" } },
};

type Props = { searchParams: Promise<Record<string, string | string[]>> };

/** /recent-changes: every change across the wiki, newest first, 50 a page, filtered by kind or without your own. */
export default async function RecentChangesPage({ searchParams }: Props) {
  const params = await searchParams;
  const query = recentChangesQuerySchema.safeParse(params);
  if (!query.success) return <ErrorNotice heading="Bad request" message="Invalid filter or page of recent changes." />;
  const { user, access } = await getSessionAccess();
  let list;
  try {
    list = await listRecentChanges({ ...query.data, hideUserId: query.data.hideMine ? user?.id : undefined }, access);
  } catch (e) {
    if (e instanceof AppError && e.code === "bad_request") return <ErrorNotice heading="Bad request" message={e.message} />;
    throw e;
  }
  const filters = new URLSearchParams();
  if (query.data.kind) filters.set("kind", query.data.kind);
  if (query.data.hideMine) filters.set("hideMine", "1");
  return (
    <>
      <div className="page-head">
        <h1>Recent changes</h1>
      </div>
      <form method="get" action="/recent-changes" className="actions" aria-label="Filter recent changes">
        <label htmlFor="kind" className="inline">Show </label>
        <select id="kind" name="kind" defaultValue={query.data.kind ?? ""}>
          <option value="">every kind of change</option>
          {CHANGE_KINDS.map((k) => (
            <option key={k} value={k}>{k === "comment" ? "comments" : `${k}s`}</option>
          ))}
        </select>
        {user && (
          <label className="inline">
            <input type="checkbox" name="hideMine" value="1" defaultChecked={query.data.hideMine} /> Hide my changes
          </label>
        )}
        <button type="submit" className="secondary">Filter</button>
        <a href="/recent-changes.atom">Atom feed</a>
      </form>
      {list.changes.length === 0 ? (
        <p className="muted">No changes.</p>
      ) : (
        <div className="table-scroll">
          <table className="list">
            <caption className="skip">Recent changes</caption>
            <TableHead columns={["When", "Page", "Change", "By", "Summary", "Size"]} />
            <tbody>
              {list.changes.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={changePath(c)}>
                      <time dateTime={c.createdAt}>{formatDate(c.createdAt)}</time>
                    </a>
                  </td>
                  <td>
                    {c.kind === "comment" ? (
                      <a href={pagePaths.talk(c.page.title)}>Talk: {c.page.title}</a>
                    ) : (
                      <a href={pagePaths.view(c.page.title)}>{c.page.title}</a>
                    )}
                  </td>
                  <td><span className="kind">{c.kind}</span></td>
                  <td>{c.author ? <a href={`/users/${encodeURIComponent(c.author.username)}`}>{c.author.username}</a> : c.kind === "comment" ? "anonymous" : "—"}</td>
                  <td>{c.summary || <span className="muted">no summary</span>}</td>
                  <td className={c.sizeDelta > 0 ? "delta-pos" : c.sizeDelta < 0 ? "delta-neg" : "muted"}>
                    {c.kind === "comment" ? "" : formatDelta(c.sizeDelta)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Older changes">
        {query.data.before && <a href={`/recent-changes?${filters}`}>Newest</a>}
        {list.next && <a href={`/recent-changes?${new URLSearchParams([...filters, ["before", list.next]])}`}>Older changes</a>}
      </nav>
    </>
  );
}
