import { listBacklinks } from "@/lib/wiki/links";
import { titleListQuerySchema } from "@/lib/wiki/schema";
import { pagePaths } from "@/lib/wiki/titles";
import { ErrorNotice, PageHead, titleOrNotice, titledMetadata } from "@/app/_components/PageHead";
import { readerAccess } from "@/lib/auth/session";

type Props = { params: Promise<{ slug: string[] }>; searchParams: Promise<Record<string, string | string[]>> };

export const generateMetadata = ({ params }: Props) => titledMetadata(params, (title) => `What links to ${title}`);

/** /backlinks/{slug}: "What links here", the pages whose current text links to the title, 200 at a time. */
export default async function BacklinksPage({ params, searchParams }: Props) {
  const named = await titleOrNotice(params);
  if (named.notice) return named.notice;
  const title = named.title;
  const query = titleListQuerySchema.safeParse({ limit: 200, ...(await searchParams) });
  if (!query.success) return <ErrorNotice heading="Bad request" message="Invalid page of links." />;
  const { pages, next } = await listBacklinks(title, query.data, await readerAccess());
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
