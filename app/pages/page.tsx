import type { Metadata } from "next";
import { listPages } from "@/lib/wiki/page-reads";
import { viewCounts } from "@/lib/cache/view-counts";
import { pagePaths } from "@/lib/wiki/titles";
import { MAIN_PAGE_TITLE } from "@/lib/http/names.js";
import { readerAccess } from "@/lib/auth/session";

export const metadata: Metadata = { title: "All pages" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** /pages: every page, alphabetically, 200 at a time. */
export default async function AllPages({ searchParams }: Props) {
  const after = (await searchParams).after;
  const { pages, next } = await listPages({ after: typeof after === "string" ? after : undefined, limit: 200 }, await readerAccess());
  const views = await viewCounts(pages.map((p) => p.title));
  return (
    <>
      <div className="page-head">
        <h1>All pages</h1>
      </div>
      {pages.length === 0 ? (
        <p>
          The wiki is empty. <a href={pagePaths.edit(MAIN_PAGE_TITLE)}>Write the main page</a>.
        </p>
      ) : (
        <ul>
          {pages.map((p) => (
            <li key={p.title}>
              <a href={pagePaths.view(p.title)} className={p.redirect ? "redirect" : undefined}>{p.title}</a>
              {p.redirect && <span className="muted"> (redirect)</span>}
              {(views.get(p.title) ?? 0) > 0 && <span className="muted"> · {views.get(p.title)} views</span>}
            </li>
          ))}
        </ul>
      )}
      {next && (
        <nav className="pager" aria-label="More pages">
          <a href={`/pages?after=${encodeURIComponent(next)}`}>Next pages</a>
        </nav>
      )}
    </>
  );
}
