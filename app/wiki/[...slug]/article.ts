import { currentBuildId } from "@/lib/cache/page-cache";
import { canAdminister, canEdit, readerActor, type Protection } from "@/lib/auth/permissions";
import { escapeHtml, FILE_PREFIX, type Heading } from "@/lib/markdown/render";
import { getPageViewOrThrow } from "@/lib/wiki/page-reads";
import { PUBLIC_ACCESS } from "@/lib/auth/access";
import { AppError } from "@/lib/errors";
import { readerEtag, SLOTS, type Reader } from "@/lib/cache/front-documents";
import { frontCacheInstalled, rememberArticle } from "@/lib/cache/front-cache";
import { readTicket } from "@/lib/cache/coherence";
import { SECURITY_HEADERS } from "@/lib/http/security-headers.js";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { filePanelHtml } from "@/app/_components/file-panel-html";
import { accountHtml, documentHtml, type HeaderUser } from "@/app/_components/chrome";
import { editTabHtml, offersEdit, tabsHtml } from "@/app/_components/tabs-html";
import { formatDate } from "@/app/_components/format";

/**
 * The article view's document (app/wiki/[...slug]/route.ts): one for every reader, with slots for who reads it
 * (the header's account links, the page tools) that `personalise` fills (decision 0021). Shared by the view and
 * by the changes that warm it (`warmArticle`).
 */

type PageView = Awaited<ReturnType<typeof getPageViewOrThrow>>;
export type ArticleDocument = {
  shared: string;
  personalise: (reader: Reader) => { fills: { account: string; tools: string; edit: string }; etag: string };
};

export function articleDocument(page: PageView, path: string, redirectedFrom: string | null): ArticleDocument {
  const body =
    `<div class="page-head"><h1>${escapeHtml(page.title)}</h1>${tabsHtml(page.title, "read", page.comments, "slot")}</div>` +
    (redirectedFrom
      ? `<p class="redirected-from">(Redirected from <a href="${pagePaths.view(redirectedFrom)}?redirect=no">${escapeHtml(redirectedFrom)}</a>)</p>`
      : "") +
    (page.readers ? privateNoticeHtml(page.readSpace!, page.readers) : "") +
    (page.redirectTo ? `<p class="notice">This page is a redirect. Readers who open it are sent on to the page it names, unless that page is itself a redirect or missing.</p>` : "") +
    `<div class="article-wrap${page.toc.length ? " with-toc" : ""}">${tocHtml(page.toc)}` +
    `<div>${page.title.startsWith(FILE_PREFIX) ? filePanelHtml(page.title, page.file) + (page.html.trim() ? `<h2 class="file-description">Description</h2>` : "") : ""}` +
    `<article class="article">${page.html}</article>` +
    `<footer class="page-footer">Revision ${page.revision.number}, ` +
    `${page.revision.author ? `by <a href="/users/${encodeURIComponent(page.revision.author.username)}">${escapeHtml(page.revision.author.username)}</a>, ` : ""}` +
    `<time datetime="${page.revision.createdAt}">${formatDate(page.revision.createdAt)}</time> · ` +
    SLOTS.tools +
    `</footer></div></div>`;
  const etagBase = `${page.revision.id}-${page.viewVersion}-${currentBuildId()}`;
  return {
    shared: documentHtml({ title: page.title, user: null, path, body, account: SLOTS.account }),
    personalise: (reader: HeaderUser) => ({
      fills: {
        account: accountHtml(reader, path),
        tools: pageToolsHtml(page.title, page.protection, page.spaceEdit, reader),
        // the space's edit list is the audience's, which this document was made for (decision 0029)
        edit: page.spaceEdit && offersEdit(reader, page.protection) ? editTabHtml(page.title, "read") : "",
      },
      // the document is the same for every request of this path while its revision and view version stay
      etag: readerEtag(etagBase, reader),
    }),
  };
}

/**
 * Who may read a private page, as its insiders see it (decision 0029): the space and its read list, a principal
 * `group:<name>` as "members of <name>", `user:<name>` as the person.
 */
function privateNoticeHtml(space: string, readers: string[]): string {
  const names = readers.map((p) => (p.startsWith("group:") ? `members of ${escapeHtml(p.slice(6))}` : escapeHtml(p.replace(/^user:/, ""))));
  return (
    `<p class="notice private-notice" role="note"><strong>Private.</strong> This page is in the space “${escapeHtml(space)}”: ` +
    `only ${names.length ? names.join(", ") : "administrators"}${names.length ? " and administrators" : ""} may read it.</p>`
  );
}

/** Offer the front cache the document of a view without a query, read under `ticket`: one for everyone, or for its audience. */
export function keepArticle(path: string, ticket: number | null, page: PageView, doc: ArticleDocument): void {
  rememberArticle(path, ticket, {
    title: page.title,
    audience: page.audience,
    revisionId: page.revision.id,
    viewVersion: page.viewVersion,
    headers: [...Object.entries(htmlHeaders({ "X-Revision-Id": String(page.revision.id) })), ...SECURITY_HEADERS.map((h) => [h.key, h.value] as [string, string])],
    body: doc.shared,
    personalise: doc.personalise,
  });
}

/**
 * After a change to `title` has been acknowledged by every instance: make its document on this instance (and its
 * rendered view in memcached, for the others), so the first view after a save costs what any later one does.
 * Redirects are left to their first view (whether they send their reader on depends on their target).
 */
export async function warmArticle(title: string): Promise<void> {
  if (!frontCacheInstalled()) return;
  const ticket = readTicket();
  // warmed for readers of no private space: a private page waits for its first insider
  const page = await getPageViewOrThrow(title, PUBLIC_ACCESS).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "not_found") return null;
    throw e;
  });
  if (!page || page.redirectTo) return;
  const path = `/wiki/${encodeSlug(title)}`;
  keepArticle(path, ticket, page, articleDocument(page, path, null));
}

/** The page's tools under the article: history, what links here, move (whom the rules let edit it) and delete (admins). */
function pageToolsHtml(title: string, protection: Protection, spaceEdit: boolean, user: HeaderUser): string {
  const tools = [
    `<a href="${pagePaths.history(title)}">History</a>`,
    `<a href="${pagePaths.backlinks(title)}">What links here</a>`,
    ...(user && spaceEdit && canEdit(readerActor(user), protection) ? [`<a href="${pagePaths.move(title)}">Move</a>`] : []),
    ...(canAdminister(readerActor(user)) ? [`<a href="${pagePaths.delete(title)}">Delete</a>`] : []),
  ];
  return `<span class="page-tools">${tools.join(" · ")}</span>`;
}

/**
 * The article view runs no script at all, so its policy forbids every script: defence in depth should a hostile
 * page ever get past the sanitizer. Images may come from anywhere on the web, as Markdown allows. Inline styles are
 * allowed for KaTeX's typeset formulas (made at render time; the sanitizer removes every style a writer adds), and
 * fonts from the site for them.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' https: http:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The article view's headers (its own CSP; no-cache: revalidated, and any cache may keep a signed-out copy). */
export function htmlHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "Content-Security-Policy": CONTENT_SECURITY_POLICY, ...headers };
}

function tocHtml(toc: Heading[]): string {
  if (!toc.length) return "";
  const items = toc
    .map((h) => `<li class="l${h.level}"><a href="#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`)
    .join("");
  return `<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>${items}</ol></nav>`;
}
