import type { Metadata } from "next";
import { listWanted } from "@/lib/wiki/links";
import { titleListQuerySchema } from "@/lib/wiki/schema";
import { pagePaths } from "@/lib/wiki/titles";
import { ErrorNotice } from "@/app/_components/PageHead";
import { readerAccess } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Wanted pages" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** /wanted: titles that pages link to but nobody has written yet, most linked first. */
export default async function WantedPages({ searchParams }: Props) {
  const query = titleListQuerySchema.safeParse({ limit: 200, ...(await searchParams) });
  if (!query.success) return <ErrorNotice heading="Bad request" message="Invalid page of wanted pages." />;
  const { pages, next } = await listWanted(query.data, await readerAccess());
  return (
    <>
      <div className="page-head">
        <h1>Wanted pages</h1>
      </div>
      {pages.length === 0 ? (
        <p>Every link leads to a page. Nothing is wanted.</p>
      ) : (
        <ol>
          {pages.map((p) => (
            <li key={p.title}>
              <a className="new" href={pagePaths.edit(p.title)}>{p.title}</a>{" "}
              <a className="muted" href={pagePaths.backlinks(p.title)}>
                ({p.links} {p.links === 1 ? "link" : "links"})
              </a>
            </li>
          ))}
        </ol>
      )}
      {next && (
        <nav className="pager" aria-label="More wanted pages">
          <a href={`/wanted?after=${encodeURIComponent(next)}`}>More</a>
        </nav>
      )}
    </>
  );
}
