import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { getSessionUser, readerAccess } from "@/lib/auth/session";
import { listHistory, type RevisionKind } from "@/lib/wiki/revisions";
import { pageQuerySchema } from "@/lib/wiki/schema";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { isWatching } from "@/lib/wiki/watches";
import { viewCounts } from "@/lib/cache/view-counts";
import { WatchButton } from "./WatchButton";
import { headers } from "next/headers";
import { CAPTURE_HEADER } from "@/lib/http/names.js";
import { ErrorNotice, PageHead, titleOrNotice, titledMetadata } from "@/app/_components/PageHead";
import { RevertButton } from "@/app/_components/RevertButton";
import { formatDate, formatDelta } from "@/app/_components/format";
import { TableHead } from "@/app/_components/TableHead";

/** The badge of a history entry that is not a plain edit. */
const KIND_LABELS: Record<RevisionKind, string> = {
  create: "created",
  edit: "edited",
  revert: "reverted",
  move: "moved",
  delete: "deleted",
  restore: "restored",
  upload: "file uploaded",
};

type Props = { params: Promise<{ slug: string[] }>; searchParams: Promise<Record<string, string | string[]>> };

export const generateMetadata = ({ params }: Props) => titledMetadata(params, (title) => `History of ${title}`);

/** /history/{slug}: revisions newest first, 50 a page, with compare and revert. */
export default async function HistoryPage({ params, searchParams }: Props) {
  const named = await titleOrNotice(params);
  if (named.notice) return named.notice;
  const title = named.title;
  const query = pageQuerySchema.safeParse(await searchParams);
  if (!query.success) return <ErrorNotice heading="Bad request" message="Invalid page of history." />;
  let history;
  try {
    history = await listHistory(title, query.data, await readerAccess());
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
  const user = await getSessionUser();
  const views = (await viewCounts([title])).get(title) ?? 0;
  // kept for every reader of a class (lib/cache/front-cache.ts): the button asks for this reader's state itself
  const shared = (await headers()).has(CAPTURE_HEADER);
  const watching = user && !shared ? await isWatching(user.id, title, await readerAccess()) : null;
  const latestId = query.data.before ? null : history.revisions[0]?.id;
  const revs = history.revisions;
  return (
    <>
      <PageHead title={title} heading={`History of ${title}`} tab="history" />
      <p className="muted">
        {views > 0 ? `Viewed about ${views} times. ` : ""}
        <a href={`/feed/${encodeSlug(title)}`} type="application/atom+xml">Atom feed of this history</a>
      </p>
      {user && (
        <p>
          <WatchButton slug={encodeSlug(title)} watching={watching} />
        </p>
      )}
      <form action="/diff" method="get">
        <p className="actions">
          <button type="submit">Compare selected revisions</button>
          <span className="muted">Pick an older (left) and a newer (right) revision.</span>
        </p>
        <div className="table-scroll">
        <table className="list">
          <caption className="skip">Revisions of {title}</caption>
          <TableHead
            columns={["From", "To", "Revision", "Author", "Summary", "Size", ...(user ? [{ label: "Actions", hidden: true as const }] : [])]}
          />
          <tbody>
            {revs.map((r, i) => (
              <tr key={r.id}>
                <td>
                  <input type="radio" name="from" value={r.id} defaultChecked={i === 1}
                    aria-label={`Compare from revision ${r.number}`} />
                </td>
                <td>
                  <input type="radio" name="to" value={r.id} defaultChecked={i === 0}
                    aria-label={`Compare to revision ${r.number}`} />
                </td>
                <td>
                  <a href={`/revision/${r.id}`}>
                    #{r.number} · <time dateTime={r.createdAt}>{formatDate(r.createdAt)}</time>
                  </a>
                  {r.id === latestId && <span className="muted"> (current)</span>}
                  {i + 1 < revs.length && (
                    <>
                      {" "}· <a href={`/diff?from=${revs[i + 1]!.id}&to=${r.id}`}>diff</a>
                    </>
                  )}
                </td>
                <td>{r.author ? <a href={`/users/${encodeURIComponent(r.author.username)}`}>{r.author.username}</a> : "—"}</td>
                <td>
                  {r.kind !== "edit" && <span className="kind">{KIND_LABELS[r.kind]}</span>}
                  {r.summary || <span className="muted">no summary</span>}
                </td>
                <td className={r.sizeDelta > 0 ? "delta-pos" : r.sizeDelta < 0 ? "delta-neg" : "muted"}>
                  {r.size} B ({formatDelta(r.sizeDelta)})
                </td>
                {user && <td>{r.id !== latestId && <RevertButton title={title} revisionId={r.id} number={r.number} />}</td>}
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      </form>
      <nav className="pager" aria-label="History pages">
        {query.data.before && <a href={pagePaths.history(title)}>Newest</a>}
        {history.next && <a href={`${pagePaths.history(title)}?before=${history.next}`}>Older revisions</a>}
      </nav>
    </>
  );
}
