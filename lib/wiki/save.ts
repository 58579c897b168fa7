import "server-only";
import { inTransaction, type Tx } from "@/lib/db/transaction";
import { assertCanEdit } from "@/lib/auth/permissions";
import { assertSpaceAllowsEdit } from "@/lib/auth/access";
import { AppError } from "@/lib/errors";
import { mergeThreeWay } from "./merge";
import { keepRender, toRevisionInfo, type RevisionInfo } from "./revisions";
import { renderBounded, type BoundedRender } from "@/lib/markdown/render-pool";
import { redirectTarget } from "@/lib/markdown/render";
import { linkTargets, lockTitles } from "./links";
import { wakeMailWorker } from "@/lib/mail/worker";
import { currentPageState } from "./page-reads";
import { insertRevision, lockPage, revisionWithText, setPageState, type Actor } from "./page-writes";

// Saving a page: one transaction per try, a three-way merge when someone saved meanwhile, tries again with the
// merged text or the title's lock (decision 0004).

export type SaveResult = {
  status: "created" | "updated" | "unchanged";
  merged: boolean;
  title: string;
  revision: RevisionInfo;
};

type SaveRequest = {
  title: string;
  markdown: string;
  summary?: string;
  /** The revision the editor started from; null to create the page. */
  baseRevisionId: number | null;
  author: Actor;
};

/** Ways a transaction asks to be run again with different inputs (never seen outside this module). */
class NeedsTitleLock extends Error {}
class MergedText extends Error {
  constructor(readonly markdown: string, readonly latestId: number) {
    super("merged");
  }
}

/** How often a save may be tried again (after a merge, or to take its title's lock): then it is a conflict. */
const MAX_ATTEMPTS = 4;

/**
 * Save a new revision, in one transaction. The page row is locked first (SELECT ... FOR UPDATE), so the check
 * "is the base still the latest revision" and the insert are atomic: of two saves from the same base, the
 * second sees the first's revision as latest and is merged three-way when the edits do not overlap, or refused
 * with 409 edit_conflict carrying the current text. See docs/decisions/0004-edit-conflicts.md.
 *
 * The text is rendered before the transaction (it may take up to the render deadline) and kept with the revision,
 * with its links written to the link graph in the same transaction. A merged text is a new text: it is rendered
 * and the save tried again from the revision it was merged with.
 */
export async function savePage(req: SaveRequest): Promise<SaveResult> {
  assertCanEdit(req.author); // before the render: the page's protection is checked under its lock
  let request = req;
  let merged = false;
  let rendered = await renderBounded(req.markdown);
  // Creating a title or turning a page into a redirect (or back) changes how links to it show: such a save
  // takes its title's lock exclusively. Guessed here, checked under the page lock.
  const before = await currentPageState(req.title);
  let titleLock = !before || before.redirectTo !== redirectTarget(req.markdown);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await inTransaction(async (tx) => {
        const saved = await saveOnce(tx, request, rendered, titleLock, merged);
        // the author's draft of the page is saved now (decision 0031)
        await tx.draft.deleteMany({ where: { userId: req.author.id, title: req.title } });
        return saved;
      });
      if (result.status !== "unchanged") wakeMailWorker();
      return result;
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS) throw e instanceof MergedText || e instanceof NeedsTitleLock ? busyConflict() : e;
      if (e instanceof NeedsTitleLock) {
        titleLock = true;
      } else if (e instanceof MergedText) {
        request = { ...request, markdown: e.markdown, baseRevisionId: e.latestId };
        merged = true;
        rendered = await renderBounded(e.markdown);
        titleLock = titleLock || redirectTarget(e.markdown) !== (before?.redirectTo ?? null);
      } else {
        throw e;
      }
    }
  }
}

function busyConflict() {
  return new AppError("conflict", "This page is changing too quickly to save; try again");
}

async function saveOnce(tx: Tx, req: SaveRequest, rendered: BoundedRender, titleLock: boolean, merged: boolean): Promise<SaveResult> {
  const targets = linkTargets(rendered.rendered.links);
  await lockTitles(tx, { shared: targets, exclusive: titleLock ? [req.title] : [] });
  let page = await lockPage(tx, req.title);
  assertCanEdit(req.author, page?.protection ?? "none");
  await assertSpaceAllowsEdit(tx, req.title, req.author);
  const redirectTo = redirectTarget(req.markdown);
  if (!page || page.latest_revision_id === null) {
    if (req.baseRevisionId !== null) {
      throw new AppError("not_found", `There is no page called "${req.title}" (it may have been removed)`);
    }
    if (!titleLock) throw new NeedsTitleLock();
    // ON CONFLICT: a concurrent creator got there first; we then lock their row and report the conflict.
    await tx.$executeRaw`INSERT INTO pages (title) VALUES (${req.title}) ON CONFLICT (title) DO NOTHING`;
    page = await lockPage(tx, req.title);
    if (!page) throw new Error("page row vanished after insert");
    if (page.latest_revision_id === null) {
      const revision = await insertRevision(tx, page.id, null, { ...req, kind: "create" });
      await keepRender(tx, revision.id, rendered);
      await setPageState(tx, page.id, req.title, rendered.rendered.html, targets, redirectTo, true);
      return { status: "created", merged: false, title: req.title, revision };
    }
  }
  const latest = await revisionWithText(tx, page.latest_revision_id!);
  if (req.baseRevisionId !== latest.id) {
    const base =
      req.baseRevisionId === null
        ? null
        : await tx.revision.findFirst({ where: { id: req.baseRevisionId, pageId: page.id }, select: { markdown: true } });
    const mergedText = base ? mergeThreeWay(base.markdown, req.markdown, latest.markdown) : null;
    if (mergedText === null) {
      throw new AppError("edit_conflict", "Someone else saved this page after you started editing", {
        current: { revisionId: latest.id, markdown: latest.markdown },
        // who saved it, when and why: the conflict screen names them (decision 0031)
        currentRevision: toRevisionInfo(latest),
      });
    }
    if (mergedText === latest.markdown) {
      return { status: "unchanged", merged: true, title: req.title, revision: toRevisionInfo(latest) };
    }
    throw new MergedText(mergedText, latest.id);
  }
  if (req.markdown === latest.markdown) {
    return { status: "unchanged", merged, title: req.title, revision: toRevisionInfo(latest) };
  }
  const transition = (page.redirect_to ?? null) !== redirectTo;
  if (transition && !titleLock) throw new NeedsTitleLock();
  const revision = await insertRevision(tx, page.id, latest, { ...req, kind: "edit" });
  await keepRender(tx, revision.id, rendered);
  await setPageState(tx, page.id, req.title, rendered.rendered.html, targets, redirectTo, transition);
  return { status: "updated", merged, title: req.title, revision };
}
