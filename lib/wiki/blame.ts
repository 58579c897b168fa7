import "server-only";
import { mayReadSpace, type Access } from "@/lib/auth/access";
import { db } from "@/lib/db";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { REVERT_WINDOW, firstOrigins, fromRuns, linesOf, nextOrigins, toRuns } from "./blame-lines";
import { repeatInBackground } from "./background";

// Blame kept per revision (decision 0022): made in the transaction that inserts the revision, from its parent's;
// revisions older than blame (or whose parent had none yet) are filled in the background, page by page, in order.

type Parent = { id: number; number: number; markdown: string } | null;

/** The kept origins of a revision, or null when it has none yet. */
async function originsOf(tx: Tx, revisionId: number): Promise<number[] | null> {
  const rows = await tx.$queryRaw<{ runs: number[] }[]>`SELECT runs FROM revision_blames WHERE revision_id = ${revisionId}`;
  return rows[0] ? fromRuns(rows[0].runs) : null;
}

/**
 * The origins of a new revision `id` of page `pageId` with `markdown`: the same as `sameAs`'s (a revert names the
 * revision whose text it brings back), or as a recent revision's with the same text (an undo typed by hand), or its
 * parent's carried through a diff. Null when the parent has no blame yet (the background fill makes both, in order).
 */
export async function computeOrigins(
  tx: Tx, pageId: number, id: number, parent: Parent, markdown: string, sameAs?: number,
): Promise<number[] | null> {
  if (!parent) return firstOrigins(markdown, id);
  if (markdown === parent.markdown) return originsOf(tx, parent.id);
  const candidates = await tx.$queryRaw<{ runs: number[] }[]>`
    SELECT b.runs FROM revisions r JOIN revision_blames b ON b.revision_id = r.id
    WHERE r.page_id = ${pageId} AND (r.id = ${sameAs ?? 0}
      OR (r.number > ${parent.number - REVERT_WINDOW} AND r.number < ${parent.number} AND r.markdown = ${markdown}))
    ORDER BY (r.id = ${sameAs ?? 0}) DESC, r.number DESC LIMIT 1`;
  if (candidates[0]) {
    const same = fromRuns(candidates[0].runs);
    if (same.length === linesOf(markdown).length) return same;
  }
  const before = await originsOf(tx, parent.id);
  return before ? nextOrigins(parent.markdown, before, markdown, id) : null;
}

/** Keep the blame of revision `id` (see computeOrigins), in the transaction that inserted it. */
export async function recordBlame(tx: Tx, pageId: number, id: number, parent: Parent, markdown: string, sameAs?: number) {
  const origins = await computeOrigins(tx, pageId, id, parent, markdown, sameAs);
  if (origins) await keepOrigins(tx, id, origins);
}

async function keepOrigins(tx: Tx | ReturnType<typeof db>, id: number, origins: number[]) {
  await tx.$executeRaw`
    INSERT INTO revision_blames (revision_id, runs) VALUES (${id}, ${toRuns(origins)}) ON CONFLICT (revision_id) DO NOTHING`;
}

/** Pages looked at per query of the whole wiki's fill: each query reads a bounded range of the (page, number) index. */
const FILL_PAGE_RANGE = 500;

/** Where the whole wiki's fill goes on from (a page id): it walks the pages in ranges, then starts again at 0. */
let fillFrom = 0;

/**
 * Fill missing blames, oldest first within each page, until `deadline` (ms since the epoch) or nothing is left;
 * only page `pageId` when given, up to revision number `upTo`. Returns whether everything asked for is filled.
 * Each revision is its own statement: it needs only its parent's kept blame, so a fill that stops resumes anywhere.
 * The whole wiki is walked a range of pages at a time, so no query scans every revision.
 */
export async function fillBlames(deadline: number, only?: { pageId: number; upTo: number }): Promise<boolean> {
  for (;;) {
    const [from, to] = only ? [only.pageId, only.pageId + 1] : [fillFrom, fillFrom + FILL_PAGE_RANGE];
    const missing = await db().$queryRaw<{ id: number; page_id: number; number: number; parent_id: number | null }[]>`
      SELECT r.id, r.page_id, r.number, r.parent_id FROM revisions r
      WHERE r.page_id >= ${from} AND r.page_id < ${to} AND r.number <= ${only?.upTo ?? 2 ** 31 - 1}
        AND NOT EXISTS (SELECT 1 FROM revision_blames b WHERE b.revision_id = r.id)
      ORDER BY r.page_id, r.number LIMIT 50`;
    if (missing.length === 0) {
      if (only) return true;
      const last = await db().$queryRaw<{ max: number | null }[]>`SELECT max(id) AS max FROM pages`;
      if (to > (last[0]?.max ?? 0)) {
        fillFrom = 0; // a whole pass found nothing more: the next fill starts again from the first page
        return true;
      }
      fillFrom = to;
      continue;
    }
    for (const r of missing) {
      if (Date.now() > deadline) return false;
      await db().$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ markdown: string }[]>`SELECT markdown FROM revisions WHERE id = ${r.id}`;
        const parent = r.parent_id === null ? null : await tx.revision.findUnique({
          where: { id: r.parent_id }, select: { id: true, number: true, markdown: true },
        });
        const origins = await computeOrigins(tx, r.page_id, r.id, parent, rows[0]!.markdown);
        if (!origins) throw new Error(`revision ${r.id}: its parent ${r.parent_id} has no blame`);
        await keepOrigins(tx, r.id, origins);
      });
    }
  }
}

/** Fill every missing blame in the background after start-up (revisions saved before blame existed). */
export function startBlameFill(): void {
  repeatInBackground("blame fill", async () => !(await fillBlames(Date.now() + 500)), 1500);
}

export type BlameLine = {
  text: string;
  revision: { id: number; number: number; createdAt: string; author: { username: string } | null; parentId: number | null };
};

/** How long a request may spend filling the blame it asks for (older revisions) before it answers 503. */
const FILL_BUDGET_MS = 700;

/**
 * The blame of revision `revisionId` (null: the latest) of the page called `title`: one entry per line. Reads one
 * revision, its kept runs and the revisions they name: the same cost however long the history.
 */
export async function readBlame(title: string, revisionId: number | null, access: Access) {
  const page = await db().page.findUnique({ where: { title }, select: { id: true, latestRevisionId: true, readSpace: true } });
  if (!page?.latestRevisionId || !mayReadSpace(access, page.readSpace)) throw new AppError("not_found", `There is no page called "${title}"`);
  const id = revisionId ?? page.latestRevisionId;
  const revision = await db().revision.findFirst({
    where: { id, pageId: page.id }, select: { id: true, number: true, markdown: true, blame: { select: { runs: true } } },
  });
  if (!revision) throw new AppError("not_found", `Revision ${id} is not a revision of "${title}"`);
  let runs = revision.blame?.runs;
  if (!runs) {
    const done = await fillBlames(Date.now() + FILL_BUDGET_MS, { pageId: page.id, upTo: revision.number });
    runs = done ? (await db().revisionBlame.findUnique({ where: { revisionId: id }, select: { runs: true } }))?.runs : undefined;
    if (!runs) throw new AppError("unavailable", "This page's blame is still being prepared; try again in a moment", { retryAfter: 2 });
  }
  const origins = fromRuns(runs);
  const ids = [...new Set(origins)];
  const named = await db().revision.findMany({
    where: { id: { in: ids } },
    select: { id: true, number: true, createdAt: true, parentId: true, author: { select: { username: true } } },
  });
  const byId = new Map(named.map((r) => [r.id, {
    id: r.id, number: r.number, createdAt: r.createdAt.toISOString(), parentId: r.parentId,
    author: r.author ? { username: r.author.username } : null,
  }]));
  const lines: BlameLine[] = linesOf(revision.markdown).map((text, i) => ({ text, revision: byId.get(origins[i]!)! }));
  return { title, revision: { id: revision.id, number: revision.number }, lines };
}
