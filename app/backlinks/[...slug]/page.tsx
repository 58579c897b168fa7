import type { Metadata } from "next";
import { AppError } from "@/lib/errors";
import { listBacklinks } from "@/lib/wiki/links";
import { titleListQuerySchema } from "@/lib/wiki/schema";
import { pagePaths, titleFromParam } from "@/lib/wiki/titles";
import { ErrorNotice, PageHead } from "@/app/_components/PageHead";

type Props = { params: Promise<{ slug: string[] }>; searchParams: Promise<Record<string, string | string[]>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  try {
    return { title: `What links to ${titleFromParam((await params).slug)}` };
  } catch {
    return { title: "Bad title" };
  }
}

/** /backlinks/{slug}: "What links here", the pages whose current text links to the title, 200 at a time. */
export default async function BacklinksPage({ params, searchParams }: Props) {
  let title: string;
  try {
    title = titleFromParam((await params).slug);
  } catch (e) {
    if (e instanceof AppError) return <ErrorNotice heading="Bad title" message={e.message} />;
    throw e;
  }
  const query = titleListQuerySchema.safeParse({ limit: 200, ...(await searchParams) });
  if (!query.success) return <ErrorNotice heading="Bad request" message="Invalid page of links." />;
  const { pages, next } = await listBacklinks(title, query.data);
  return (
    <>
      <PageHead title={title} heading={`What links to ${title}`} tab="read" />
      {pages.length === 0 ? (
        <p>No page links to “{title}”.</p>
      ) : (
        <ul>
          {pages.map((p) => (
            <li key={p.title}>
              <a href={pagePaths.view(p.title)}>{p.title}</a>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <nav className="pager" aria-label="More links">
          <a href={`${pagePaths.backlinks(title)}?after=${encodeURIComponent(next)}`}>More</a>
        </nav>
      )}
    </>
  );
}
