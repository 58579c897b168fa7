import type { Metadata } from "next";
import { cache } from "react";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { getProfileOrThrow, listContributions } from "@/lib/people/profiles";
import { pageQuerySchema } from "@/lib/wiki/schema";
import { pagePaths } from "@/lib/wiki/titles";
import { formatDate, formatDelta } from "@/app/_components/format";
import { TableHead } from "@/app/_components/TableHead";
import { readerAccess } from "@/lib/auth/session";

type Props = { params: Promise<{ username: string }>; searchParams: Promise<Record<string, string | string[]>> };

/** The profile, loaded once per request (metadata and page share it). */
const load = cache(async (username: string) => {
  try {
    return await getProfileOrThrow(username, await readerAccess()); // Next.js has decoded the path segment once already
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const profile = await load((await params).username);
  return { title: profile.displayName };
}

/** /users/{username}: profile, bio and contributions (50 a page, newest first). */
export default async function ProfilePage({ params, searchParams }: Props) {
  const profile = await load((await params).username);
  const query = pageQuerySchema.safeParse(await searchParams);
  const contributions = await listContributions(profile.username, query.success ? query.data : { limit: 50 }, await readerAccess());
  return (
    <>
      <div className="page-head">
        <h1>{profile.displayName}</h1>
      </div>
      <p className="muted">
        @{profile.username} · {profile.role}
        {profile.blocked ? " · blocked" : ""} · joined <time dateTime={profile.joinedAt}>{formatDate(profile.joinedAt)}</time> ·{" "}
        {profile.editCount} edit{profile.editCount === 1 ? "" : "s"}
      </p>
      {profile.bioHtml ? (
        <article className="article" data-testid="bio" dangerouslySetInnerHTML={{ __html: profile.bioHtml }} />
      ) : (
        <p className="muted">No bio yet.</p>
      )}
      <h2>Contributions</h2>
      {contributions.revisions.length === 0 ? (
        <p className="muted">No edits yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="list">
            <TableHead columns={["When", "Page", "Summary", "Size"]} />
            <tbody>
              {contributions.revisions.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={r.parentId ? `/diff?from=${r.parentId}&to=${r.id}` : `/revision/${r.id}`}>
                      <time dateTime={r.createdAt}>{formatDate(r.createdAt)}</time>
                    </a>
                  </td>
                  <td>
                    <a href={pagePaths.view(r.page.title)}>{r.page.title}</a>
                  </td>
                  <td>{r.summary || <span className="muted">no summary</span>}</td>
                  <td className={r.sizeDelta > 0 ? "delta-pos" : r.sizeDelta < 0 ? "delta-neg" : "muted"}>
                    {formatDelta(r.sizeDelta)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {contributions.next && (
        <nav className="pager" aria-label="More contributions">
          <a href={`/users/${encodeURIComponent(profile.username)}?before=${contributions.next}`}>Older contributions</a>
        </nav>
      )}
    </>
  );
}
