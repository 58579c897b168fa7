import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { getCurrentUser } from "@/lib/auth/session";
import { getPageSource } from "@/lib/wiki/pages";
import { pagePaths, titleFromParam } from "@/lib/wiki/titles";
import { ErrorNotice, PageHead } from "@/app/_components/PageHead";
import { Editor } from "./Editor";

type Props = { params: Promise<{ slug: string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  try {
    return { title: `Editing ${titleFromParam((await params).slug)}` };
  } catch {
    return { title: "Bad title" };
  }
}

/** /edit/{slug}: the editor, for a new or an existing page. */
export default async function EditPage({ params }: Props) {
  let title: string;
  try {
    title = titleFromParam((await params).slug);
  } catch (e) {
    if (e instanceof AppError) return <ErrorNotice heading="Bad title" message={e.message} />;
    throw e;
  }
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(pagePaths.edit(title))}`);
  if (user.role === "reader") {
    return (
      <>
        <PageHead title={title} tab="edit" />
        <p className="notice">Your account may read pages but not edit them.</p>
      </>
    );
  }
  const source = await getPageSource(title);
  return (
    <>
      <PageHead title={title} heading={source ? `Editing ${title}` : `Creating ${title}`} tab="edit" />
      <Editor
        title={title}
        initialMarkdown={source?.markdown ?? ""}
        baseRevisionId={source?.revisionId ?? null}
      />
    </>
  );
}
