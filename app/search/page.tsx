import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { readablePageState } from "@/lib/wiki/page-reads";
import { cleanQuery, searchPages } from "@/lib/wiki/search";
import { MAX_QUERY_CHARS } from "@/lib/wiki/query-schemas.js";
import { searchQuerySchema } from "@/lib/wiki/schema";
import { normaliseTitleOrNull } from "@/lib/wiki/title-rules.js";
import { pagePaths } from "@/lib/wiki/titles";
import { ErrorNotice } from "@/app/_components/PageHead";
import { readerAccess } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Search" };

type Props = { searchParams: Promise<Record<string, string | string[]>> };

/**
 * /search?q=: results best first with highlighted snippets. When a page has exactly the title typed, the browser
 * goes straight to it; when none does, the results offer to create it.
 */
export default async function SearchPage({ searchParams }: Props) {
  const query = searchQuerySchema.safeParse(await searchParams);
  if (!query.success) return <ErrorNotice heading="Bad request" message="Invalid search." />;
  // (a query over MAX_QUERY_CHARS fails the schema: the front answers it 400 before the page runs)
  const { q, limit, offset, asTyped } = query.data;
  const title = normaliseTitleOrNull(cleanQuery(q));
  const access = await readerAccess();
  const exact = title ? await readablePageState(title, access) : null;
  if (title && exact && offset === 0) redirect(pagePaths.view(title));
  let found;
  try {
    found = await searchPages(q, { limit, offset, asTyped }, access);
  } catch (e) {
    if (e instanceof AppError) return <ErrorNotice heading="Search" message={e.message} />;
    throw e;
  }
  const more = offset + found.results.length < found.total;
  const shown = found.correction?.query ?? q;
  const pageLink = (at: number) =>
    `/search?${new URLSearchParams({ q, offset: String(at), ...(asTyped ? { asTyped: "1" } : {}) })}`;
  return (
    <>
      <div className="page-head">
        <h1>Search</h1>
      </div>
      <form action="/search" method="get" role="search" className="actions">
        <label htmlFor="search-page-q" className="skip">Search the wiki</label>
        <input id="search-page-q" type="search" name="q" defaultValue={q} maxLength={MAX_QUERY_CHARS} />
        <button type="submit">Search</button>
      </form>
      {found.correction && (
        <p className="notice">
          Showing results for <strong>{found.correction.query}</strong>. Search instead for{" "}
          <a href={`/search?${new URLSearchParams({ q, asTyped: "1" })}`}>{found.correction.original}</a>.
        </p>
      )}
      {found.didYouMean && (
        <p className="notice">
          Did you mean <a href={`/search?${new URLSearchParams({ q: found.didYouMean })}`}>{found.didYouMean}</a>?
        </p>
      )}
      {found.ignoredWords > 0 && (
        <p className="muted">Only the first 10 different words of a search count; {found.ignoredWords} more were left out.</p>
      )}
      {q.trim() && (
        <p className="muted">
          {found.total === 0 ? "No page matches" : `${found.total} ${found.total === 1 ? "page matches" : "pages match"}`} “{shown}”.
          {title && !exact && (
            <>
              {" "}
              <a className="new" href={pagePaths.edit(title)}>Create the page “{title}”</a>
            </>
          )}
        </p>
      )}
      <ol className="search-results" start={offset + 1}>
        {found.results.map((r) => (
          <li key={r.slug}>
            <a href={pagePaths.view(r.title)}>{r.title}</a>
            <p className="snippet" dangerouslySetInnerHTML={{ __html: r.snippet }} />
          </li>
        ))}
      </ol>
      <nav className="pager" aria-label="More results">
        {offset > 0 && <a href={pageLink(Math.max(0, offset - limit))}>Previous</a>}
        {more && <a href={pageLink(offset + limit)}>Next results</a>}
      </nav>
    </>
  );
}
