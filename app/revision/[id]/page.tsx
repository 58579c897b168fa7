import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AppError } from "@/lib/errors";
import { getSessionUser, readerAccess } from "@/lib/auth/session";
import { getRevisionOrThrow } from "@/lib/wiki/revisions";
import { positiveIdParam } from "@/lib/wiki/schema";
import { pagePaths } from "@/lib/wiki/titles";
import { PageHead } from "@/app/_components/PageHead";
import { RevertButton } from "@/app/_components/RevertButton";
import { formatDate } from "@/app/_components/format";

type Props = { params: Promise<{ id: string }> };

/** The revision, loaded once per request (metadata and page share it); 404 for any id no revision has. */
const load = cache(async (idText: string) => {
  const id = positiveIdParam.safeParse(idText);
  if (!id.success) notFound();
  try {
    return await getRevisionOrThrow(id.data, await readerAccess());
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const r = await load((await params).id);
  return { title: `${r.page.title} (revision ${r.number})` };
}

/** /revision/{id}: any revision, rendered, with a way back to the current one and a revert button. */
export default async function RevisionPage({ params }: Props) {
  const r = await load((await params).id);
  const user = await getSessionUser();
  return (
    <>
      <PageHead title={r.page.title} tab="history" />
      <div className="notice">
        {r.isLatest ? "This is the current revision" : "This is an old revision"} of{" "}
        <a href={pagePaths.view(r.page.title)}>{r.page.title}</a>: #{r.number}, {r.author ? r.author.username : "unknown"},{" "}
        <time dateTime={r.createdAt}>{formatDate(r.createdAt)}</time>
        {r.summary && <> — “{r.summary}”</>}.
        {!r.isLatest && user && (
          <>
            {" "}
            <RevertButton title={r.page.title} revisionId={r.id} number={r.number} />
          </>
        )}
      </div>
      <article className="article" dangerouslySetInnerHTML={{ __html: r.html }} />
    </>
  );
}
