import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { readBlame, type BlameLine } from "@/lib/wiki/blame";
import { blameQuerySchema } from "@/lib/wiki/schema";
import { pagePaths } from "@/lib/wiki/titles";
import { ErrorNotice, PageHead, titleOrNotice, titledMetadata } from "@/app/_components/PageHead";
import { formatDate } from "@/app/_components/format";
import { readerAccess } from "@/lib/auth/session";

type Props = { params: Promise<{ slug: string[] }>; searchParams: Promise<Record<string, string | string[]>> };

export const generateMetadata = ({ params }: Props) => titledMetadata(params, (title) => `Blame of ${title}`);

/** How many colours the author bands take turns with (vellum.css: .band-0 ... .band-7). */
const BANDS = 8;

/** The same author has the same band colour on every page. */
function band(author: string | null): string {
  if (!author) return "band-none";
  let h = 0;
  for (const ch of author) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return `band-${h % BANDS}`;
}

/** The change that brought a line in: its diff against its parent, or the revision itself when it began the page. */
function changeHref(r: BlameLine["revision"]): string {
  return r.parentId ? `/diff?from=${r.parentId}&to=${r.id}` : `/revision/${r.id}`;
}

/** /blame/{slug}?revision=: each line of a revision beside the revision, author and date that brought it in. */
export default async function BlamePage({ params, searchParams }: Props) {
  const named = await titleOrNotice(params);
  if (named.notice) return named.notice;
  const title = named.title;
  const query = blameQuerySchema.safeParse(await searchParams);
  if (!query.success) return <ErrorNotice heading="Bad request" message="Invalid revision." />;
  let blame;
  try {
    blame = await readBlame(title, query.data.revision ?? null, await readerAccess());
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    if (e instanceof AppError && e.code === "unavailable") return <ErrorNotice heading="Not ready yet" message={e.message} />;
    throw e;
  }
  const { lines } = blame;
  const authors = new Set(lines.map((l) => l.revision.author?.username ?? null)).size;
  return (
    <>
      <PageHead title={title} heading={`Blame of ${title}`} tab="blame" />
      <p className="muted">
        {query.data.revision ? (
          <>
            Revision <a href={`/revision/${blame.revision.id}`}>{`#${blame.revision.number}`}</a>
            {" "}(<a href={pagePaths.blame(title)}>current</a>).{" "}
          </>
        ) : (
          <>{`Current revision (#${blame.revision.number}). `}</>
        )}
        {lines.length} lines by {authors} {authors === 1 ? "author" : "authors"}: each line beside the change that first
        brought its text into the page; the band at the left is its author&apos;s colour.
      </p>
      <div className="table-scroll">
        <table className="blame">
          <caption className="skip">Who wrote each line of {title}</caption>
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Line</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, i) => {
              const r = line.revision;
              const first = i === 0 || lines[i - 1]!.revision.id !== r.id;
              return (
                <tr key={i} className={`${band(r.author?.username ?? null)}${first ? " run-start" : ""}`}>
                  <td className="who">
                    {first && (
                      <>
                        <a href={changeHref(r)}>{`#${r.number}`}</a>{" "}
                        {r.author ? r.author.username : <span className="muted">anonymous</span>}{" "}
                        <time className="muted" dateTime={r.createdAt}>{formatDate(r.createdAt)}</time>
                      </>
                    )}
                  </td>
                  <td className="n">{i + 1}</td>
                  <td className="text"><code>{line.text || "\u00a0"}</code></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
