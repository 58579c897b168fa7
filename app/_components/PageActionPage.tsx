import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { canAdminister, canEdit } from "@/lib/auth/permissions";
import { readablePageState } from "@/lib/wiki/page-reads";
import { accessOf, whyNotEditTitle } from "@/lib/auth/access";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { PageHead, titleOrNotice, titledMetadata } from "./PageHead";
import { PageActionForm } from "./PageActionForm";

type Action = "move" | "delete" | "restore";
type Props = { params: Promise<{ slug: string[] }> };

const HEADINGS: Record<Action, string> = { move: "Move", delete: "Delete", restore: "Restore" };

const EXPLAIN: Record<Action, string> = {
  move:
    "Moving a page renames it: its history, watchers and protection go with it. Pages that link to the old title " +
    "reach it through the redirect left behind; without one, their links turn red.",
  delete:
    "A deleted page answers “deleted” with your reason, leaves every list and its links turn red. Its revisions are " +
    "kept: an administrator can restore it with its history.",
  restore: "Restoring brings the page back under this title with its whole history.",
};

/** The metadata of /move, /delete and /restore pages. */
export function actionMetadata(action: Action, { params }: Props): Promise<Metadata> {
  return titledMetadata(params, (title) => `${HEADINGS[action]} ${title}`);
}

/**
 * /move/{slug}, /delete/{slug}, /restore/{slug}: one form each. Signed out: to sign-in; delete and restore are for
 * administrators (the API checks again, with the page's protection, inside the handler).
 */
export async function PageActionPage({ action, params }: { action: Action } & Props) {
  const named = await titleOrNotice(params);
  if (named.notice) return named.notice;
  const title = named.title;
  const paths = { move: pagePaths.move, delete: pagePaths.delete, restore: pagePaths.restore };
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(paths[action](title))}`);
  // a page one may not read shows as no page: no protection of its own (decision 0029)
  const protection = (await readablePageState(title, await accessOf(user)))?.protection ?? "none";
  const allowed = action === "move" ? canEdit(user, protection) && !(await whyNotEditTitle(title, user)) : canAdminister(user);
  return (
    <>
      <PageHead title={title} heading={`${HEADINGS[action]} ${title}`} tab="read" protection={protection} />
      <p>{EXPLAIN[action]}</p>
      {allowed ? (
        <PageActionForm action={action} title={title} slugPath={encodeSlug(title)} />
      ) : (
        <p className="notice">{action === "move" ? "Your account may not move this page." : "Only administrators may do this."}</p>
      )}
    </>
  );
}
