import "server-only";
import { db } from "@/lib/db";
import { inTransaction } from "@/lib/db/transaction";
import { getRenderedRevision, getRevisionMarkdown, keepRender } from "./revisions";
import { renderBounded } from "@/lib/markdown/render-pool";
import { RENDERER_VERSION, redirectTarget } from "@/lib/markdown/render";
import { linkTargets, lockTitles } from "./links";
import { MAIN_PAGE_TITLE } from "@/lib/http/names.js";
import { lockPage, setPageState } from "./page-writes";
import { recordBlame } from "./blame";
import { repeatInBackground } from "./background";

// Jobs of an instance's start (instrumentation.ts): the Main Page of a fresh wiki, and bringing pages read by an
// older renderer up to date (their links and search entry) in the background.

/**
 * Bring the link graph up to date for pages whose links were last read by an older renderer (after an upgrade):
 * `batch` pages at a time, each in its own transaction under the same locks as a save. Returns how many it did.
 */
export async function refreshStaleLinks(batch = 20): Promise<number> {
  const stale = await db().page.findMany({
    where: { title: { not: null }, latestRevisionId: { not: null }, linksRenderer: { lt: RENDERER_VERSION } },
    orderBy: { id: "asc" },
    take: batch,
    select: { id: true, title: true, latestRevisionId: true },
  });
  for (const page of stale) await refreshPageState({ id: page.id, title: page.title!, latestRevisionId: page.latestRevisionId! });
  return stale.length;
}

/**
 * Record what a page's latest revision links to, redirects to and says (links, search, redirect), under the same
 * locks as a save; nothing when it was saved meanwhile (that save recorded its own). Its HTML is made if never kept.
 */
export async function refreshPageState(page: { id: number; title: string; latestRevisionId: number }): Promise<void> {
  const kept = await getRenderedRevision(page.latestRevisionId);
  const targets = linkTargets(kept.links);
  await inTransaction(async (tx) => {
    await lockTitles(tx, { shared: targets, exclusive: [page.title] });
    const locked = await lockPage(tx, page.title);
    if (locked?.id !== page.id || locked.latest_revision_id !== page.latestRevisionId) return; // saved meanwhile
    const markdown = await getRevisionMarkdown(page.latestRevisionId);
    const redirectTo = redirectTarget(markdown);
    await setPageState(tx, page.id, page.title, kept.html, targets, redirectTo, (locked.redirect_to ?? null) !== redirectTo);
  });
}


/** Run refreshStaleLinks in the background after start-up until nothing is left. */
export function startLinksRefresh(): void {
  repeatInBackground("links refresh", async () => (await refreshStaleLinks()) > 0, 1000);
}

/** The welcome a fresh wiki starts with (Markdown; any editor may change it like every page). */
const WELCOME = `Welcome to this wiki. Every page here can be improved by anyone with an account.

## Getting started

- **Edit** a page with its *Edit* tab. Pages are written in [Markdown](https://commonmark.org/help/); the editor shows a preview as you type, and every save is kept in the page's *History*.
- **Link** pages with double brackets: \`[[Page title]]\`, or \`[[Page title|other words]]\`. A link to a page nobody has written yet shows in red: follow it to write that page. [[Sandbox|Try it in the sandbox]].
- **Add pictures and files** by dropping them into the editor, pasting a screenshot, or its *Upload…* button; they show where you put \`[[File:Name.png]]\`.
- **Search** with the box at the top of every page. If a page has exactly the title you type, you go straight to it.
- **Discuss** a page on its *Discussion* tab, and see what everyone changed in [Recent changes](/recent-changes).
`;

/**
 * Create the Main Page on a fresh wiki (no page has ever existed), once, whichever instance starts first. Not a
 * migration: the text is the wiki's first revision, by nobody, edited like any other page afterwards.
 */
export async function ensureMainPage(): Promise<boolean> {
  const rendered = await renderBounded(WELCOME);
  const targets = linkTargets(rendered.rendered.links);
  return inTransaction(async (tx) => {
    await lockTitles(tx, { shared: targets, exclusive: [MAIN_PAGE_TITLE] });
    // serialise the instances starting together, then look: any page row at all means the wiki is not fresh
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(7260001)::text AS locked`;
    const any = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM pages LIMIT 1) x`;
    if ((any[0]?.n ?? 0) > 0) return false;
    const page = await tx.page.create({ data: { title: MAIN_PAGE_TITLE }, select: { id: true } });
    const revision = await tx.revision.create({
      data: { pageId: page.id, number: 1, kind: "create", title: MAIN_PAGE_TITLE, summary: "Welcome", markdown: WELCOME, size: Buffer.byteLength(WELCOME, "utf8") },
      select: { id: true },
    });
    await tx.page.update({ where: { id: page.id }, data: { latestRevisionId: revision.id } });
    await recordBlame(tx, page.id, revision.id, null, WELCOME);
    await keepRender(tx, revision.id, rendered);
    await setPageState(tx, page.id, MAIN_PAGE_TITLE, rendered.rendered.html, targets, null, true);
    return true;
  });
}
