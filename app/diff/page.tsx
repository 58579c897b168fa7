import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { diffRevisions } from "@/lib/wiki/revisions";
import { diffQuerySchema } from "@/lib/wiki/schema";
import { diffBlocks, type Change } from "@/lib/wiki/diff";
import { pagePaths } from "@/lib/wiki/titles";
import { ErrorNotice, PageHead } from "@/app/_components/PageHead";
import { formatDate } from "@/app/_components/format";
import { readerAccess } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Differences between revisions" };

type Props = { searchParams: Promise<Record<string, string | string[]>> };

function Words({ words, show }: { words: Change[]; show: "delete" | "insert" }) {
  return (
    <>
      {words.map((w, i) =>
        w.op === "equal" ? (
          <span key={i}>{w.text}</span>
        ) : w.op === show ? (
          show === "delete" ? <del key={i}>{w.text}</del> : <ins key={i}>{w.text}</ins>
        ) : null,
      )}
    </>
  );
}

/** Lines of context kept around each change; longer unchanged runs are folded. */
const CONTEXT = 3;

/** An unchanged block, folded to its first and last CONTEXT lines when long (not before the first change or after the last). */
function Unchanged({ text, first, last }: { text: string; first: boolean; last: boolean }) {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const head = first ? 0 : CONTEXT;
  const tail = last ? 0 : CONTEXT;
  if (lines.length <= head + tail + 1) return <pre className="row eq">{text}</pre>;
  const hidden = lines.length - head - tail;
  return (
    <>
      {head > 0 && <pre className="row eq">{lines.slice(0, head).join("")}</pre>}
      <p className="row fold">
        ⋯ {hidden} unchanged line{hidden === 1 ? "" : "s"} ⋯
      </p>
      {tail > 0 && <pre className="row eq">{lines.slice(-tail).join("")}</pre>}
    </>
  );
}

/** /diff?from=&to=: line diff of two revisions, with the changed words highlighted inside changed lines. */
export default async function DiffPage({ searchParams }: Props) {
  const parsed = diffQuerySchema.safeParse(await searchParams);
  if (!parsed.success) {
    return <ErrorNotice heading="Bad request" message="Choose two revisions to compare (from and to)." />;
  }
  let diff;
  try {
    diff = await diffRevisions(parsed.data.from, parsed.data.to, await readerAccess());
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    if (e instanceof AppError) return <ErrorNotice heading="Cannot compare" message={e.message} />;
    throw e;
  }
  const { from, to, page } = diff;
  const blocks = diffBlocks(diff.changes);
  const side = (label: string, r: typeof from) => (
    <p>
      {label}: <a href={`/revision/${r.id}`}>#{r.number}</a> by {r.author?.username ?? "unknown"},{" "}
      <time dateTime={r.createdAt}>{formatDate(r.createdAt)}</time>
      {r.summary && <> — “{r.summary}”</>}
    </p>
  );
  return (
    <>
      <PageHead title={page.title} heading={`Changes to ${page.title}`} tab="history" />
      <div className="notice">
        {side("From", from)}
        {side("To", to)}
      </div>
      {!diff.exact && (
        <p className="notice" role="status">
          These revisions are too different to compare line by line: the whole text is shown as replaced.
        </p>
      )}
      {blocks.some((b) => b.kind === "change" && b.deleted && b.inserted && !b.words) && diff.exact && (
        <p className="notice" role="status">Some changes are too different to show word by word.</p>
      )}
      {blocks.every((b) => b.kind === "equal") ? (
        <p>The two revisions have the same text.</p>
      ) : (
        <div className="diff" data-testid="diff">
          {blocks.map((b, i) =>
            b.kind === "equal" ? (
              <Unchanged key={i} text={b.text} first={i === 0} last={i === blocks.length - 1} />
            ) : (
              <div key={i}>
                {b.deleted && (
                  <pre className="row del" aria-label="Removed">
                    {b.words ? <Words words={b.words} show="delete" /> : b.deleted}
                  </pre>
                )}
                {b.inserted && (
                  <pre className="row ins" aria-label="Added">
                    {b.words ? <Words words={b.words} show="insert" /> : b.inserted}
                  </pre>
                )}
              </div>
            ),
          )}
        </div>
      )}
      <p>
        <a href={pagePaths.history(page.title)}>Back to history</a>
      </p>
    </>
  );
}
