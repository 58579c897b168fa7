import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { canEdit, whyNotEdit } from "@/lib/auth/permissions";
import { accessOf, whyNotEditTitle } from "@/lib/auth/access";
import { currentPageState, getPageSource } from "@/lib/wiki/page-reads";
import { pagePaths } from "@/lib/wiki/titles";
import { PageHead, titleOrNotice, titledMetadata } from "@/app/_components/PageHead";
import { Editor } from "./Editor";
import { getDraft } from "@/lib/wiki/drafts";
import { AppError } from "@/lib/errors";

type Props = { params: Promise<{ slug: string[] }> };

export const generateMetadata = ({ params }: Props) => titledMetadata(params, (title) => `Editing ${title}`);

/** /edit/{slug}: the editor, for a new or an existing page. */
export default async function EditPage({ params }: Props) {
  const named = await titleOrNotice(params);
  if (named.notice) return named.notice;
  const title = named.title;
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(pagePaths.edit(title))}`);
  // a space one may not edit refuses before the editor opens, whether or not the page exists (decision 0029)
  const spaceRefusal = await whyNotEditTitle(title, user);
  if (spaceRefusal) {
    return (
      <>
        <PageHead title={title} tab="edit" protection="none" />
        <p className="notice">{spaceRefusal}.</p>
      </>
    );
  }
  const protection = (await currentPageState(title))?.protection ?? "none";
  if (!canEdit(user, protection)) {
    return (
      <>
        <PageHead title={title} tab="edit" protection={protection} />
        <p className="notice">
          {user.blocked
            ? "Your account is blocked: you may read pages but not edit them."
            : !canEdit(user)
              ? "Your account may read pages but not edit them."
              : `${whyNotEdit(user, protection)}.`}
        </p>
      </>
    );
  }
  const access = await accessOf(user);
  const source = await getPageSource(title, access);
  // an unsaved draft of this person's is offered back (decision 0031)
  const draft = await getDraft(title, user, access).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "not_found") return null; // no draft
    throw e;
  });
  return (
    <>
      <PageHead title={title} heading={source ? `Editing ${title}` : `Creating ${title}`} tab="edit" protection={protection} />
      <Editor
        title={title}
        initialMarkdown={source?.markdown ?? ""}
        baseRevisionId={source?.revisionId ?? null}
        draft={draft}
        username={user.username}
      />
    </>
  );
}
