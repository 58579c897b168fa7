import type { NextRequest } from "next/server";
import { currentBuildId } from "@/lib/cache/page-cache";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { titleFromRequest } from "@/lib/http/route";
import { hasSessionCookie, getSessionUser } from "@/lib/auth/session";
import { canAdminister } from "@/lib/auth/permissions";
import { escapeHtml, FILE_PREFIX, type Heading } from "@/lib/markdown/render";
import { filePanelHtml } from "@/app/_components/file-panel-html";
import { currentPageState, deletionOf, getPageViewOrThrow } from "@/lib/wiki/page-reads";
import { articleTicket, fillSlots, readerEtag, rememberArticle, SLOTS } from "@/lib/cache/front-cache";
import { countView } from "@/lib/cache/view-counts";
import { SECURITY_HEADERS } from "@/lib/http/security-headers.js";
import { encodeSlug, pagePaths, slugOf } from "@/lib/wiki/titles";
import { normaliseTitleOrNull } from "@/lib/wiki/title-rules.js";
import { accountHtml, documentHtml, type HeaderUser } from "@/app/_components/chrome";
import { tabsHtml } from "@/app/_components/tabs-html";
import { formatDate } from "@/app/_components/format";
import { MAIN_PAGE_PATH, TITLE_RULES_SENTENCE } from "@/lib/http/names.js";

export const dynamic = "force-dynamic";

/**
 * GET /wiki/{slug}: the article view. A route handler that sends one finished HTML document rather than a React
 * page, because it is the hot path: the article is sent once (no RSC payload) and nothing is hydrated
 * (docs/decisions/0006-article-view-as-route-handler.md).
 */
export async function GET(req: NextRequest): Promise<Response> {
  const path = req.nextUrl.pathname;
  const user: HeaderUser = hasSessionCookie(req.headers.get("cookie")) ? await getSessionUser() : null;
  // a signed-in document names its reader: no shared cache may keep it
  const html = (status: number, body: string | null, headers: Record<string, string> = {}) =>
    htmlResponse(status, body, user ? { "Cache-Control": "private, no-cache", ...headers } : headers);
  let title: string;
  try {
    title = titleFromRequest(req, "/wiki/");
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return html(400, documentHtml({ title: "Bad title", user, path, body: badTitleBody(e.message) }));
  }
  const canonical = `/wiki/${encodeSlug(title)}`;
  // relative: built from the request's URL it would name the host Next.js runs on, not the wiki's
  if (canonical !== path) return new Response(null, { status: 308, headers: { Location: canonical + req.nextUrl.search } });
  const query = req.nextUrl.searchParams;
  try {
    const ticket = articleTicket(); // before the read: a change noticed meanwhile keeps the document from being kept
    const page = await getPageViewOrThrow(title);
    if (page.redirectTo && query.get("redirect") !== "no") {
      const target = await followableRedirect(title, page.redirectTo);
      if (target) {
        // 302, not 301: a redirect page can change, and browsers keep a 301 for ever
        const to = new URL(`/wiki/${encodeSlug(target)}`, req.url);
        to.searchParams.set("redirectedfrom", slugOf(title));
        return new Response(null, { status: 302, headers: { Location: to.pathname + to.search, "Cache-Control": "no-cache" } });
      }
    }
    const from = query.get("redirectedfrom");
    const redirectedFrom = from ? await confirmedRedirectFrom(from, title) : null;
    const body =
      `<div class="page-head"><h1>${escapeHtml(page.title)}</h1>${tabsHtml(page.title, "read", page.comments)}</div>` +
      (redirectedFrom
        ? `<p class="redirected-from">(Redirected from <a href="${pagePaths.view(redirectedFrom)}?redirect=no">${escapeHtml(redirectedFrom)}</a>)</p>`
        : "") +
      (page.redirectTo ? `<p class="notice">This page is a redirect. Readers who open it are sent on to the page it names, unless that page is itself a redirect or missing.</p>` : "") +
      `<div class="article-wrap${page.toc.length ? " with-toc" : ""}">${tocHtml(page.toc)}` +
      `<div>${page.title.startsWith(FILE_PREFIX) ? filePanelHtml(page.title, page.file) + (page.html.trim() ? `<h2 class="file-description">Description</h2>` : "") : ""}` +
      `<article class="article">${page.html}</article>` +
      `<footer class="page-footer">Revision ${page.revision.number}, ` +
      `${page.revision.author ? `by <a href="/users/${encodeURIComponent(page.revision.author.username)}">${escapeHtml(page.revision.author.username)}</a>, ` : ""}` +
      `<time datetime="${page.revision.createdAt}">${formatDate(page.revision.createdAt)}</time> · ` +
      SLOTS.tools +
      `</footer></div></div>`;
    // one document for every reader: who reads it (header links, page tools) fills its slots (decision 0021)
    const shared = documentHtml({ title: page.title, user: null, path, body, account: SLOTS.account });
    const etagBase = `${page.revision.id}-${page.viewVersion}-${currentBuildId()}`;
    const personalise = (reader: HeaderUser) => ({
      fills: { account: accountHtml(reader, path), tools: pageToolsHtml(page.title, reader) },
      // without a query the document is the same for every request of this path while its revision and view version stay
      etag: readerEtag(etagBase, reader),
    });
    const mine = personalise(user);
    const headers: Record<string, string> = { "X-Revision-Id": String(page.revision.id) };
    if (!req.nextUrl.search) {
      headers.ETag = mine.etag;
      if (req.headers.get("if-none-match") === mine.etag) return html(304, null, headers);
    }
    countView(page.title);
    if (!req.nextUrl.search && frontCacheEnabled()) {
      rememberArticle(path, ticket, {
        title: page.title,
        revisionId: page.revision.id,
        viewVersion: page.viewVersion,
        headers: [...Object.entries(htmlHeaders({ "X-Revision-Id": String(page.revision.id) })), ...SECURITY_HEADERS.map((h) => [h.key, h.value] as [string, string])],
        body: shared,
        personalise,
      });
    }
    return html(200, fillSlots(shared, mine.fills), headers);
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") {
      const deleted = await deletionOf(title);
      return html(404, documentHtml({ title, user, path, body: missingBody(title, deleted, user) }));
    }
    throw e;
  }
}

/**
 * Where a redirect page sends its reader: its target, when that is a page other than itself and not a redirect
 * too (one hop only, so nothing ever loops); null to show the redirect page instead.
 */
async function followableRedirect(title: string, target: string): Promise<string | null> {
  if (target === title) return null;
  const state = await currentPageState(target);
  return state && !state.redirectTo ? target : null;
}

/** The title named in ?redirectedfrom=, when it really is a redirect to this page (else no note is shown). */
async function confirmedRedirectFrom(slug: string, title: string): Promise<string | null> {
  const from = normaliseTitleOrNull(slug.replaceAll("_", " "));
  if (!from) return null;
  const state = await currentPageState(from);
  return state?.redirectTo === title ? from : null;
}

/** The page's tools under the article: history, what links here, and (signed in) move and, for admins, delete. */
function pageToolsHtml(title: string, user: HeaderUser): string {
  const tools = [
    `<a href="${pagePaths.history(title)}">History</a>`,
    `<a href="${pagePaths.backlinks(title)}">What links here</a>`,
    ...(user ? [`<a href="${pagePaths.move(title)}">Move</a>`] : []),
    ...(canAdminister(user) ? [`<a href="${pagePaths.delete(title)}">Delete</a>`] : []),
  ];
  return `<span class="page-tools">${tools.join(" · ")}</span>`;
}

function frontCacheEnabled(): boolean {
  const config = getConfig();
  return config.PAGE_CACHE === "on" && config.FRONT_CACHE === "on";
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

function htmlHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache", "Content-Security-Policy": CONTENT_SECURITY_POLICY, ...headers };
}

function htmlResponse(status: number, body: string | null, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: htmlHeaders(headers) });
}

function tocHtml(toc: Heading[]): string {
  if (!toc.length) return "";
  const items = toc
    .map((h) => `<li class="l${h.level}"><a href="#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`)
    .join("");
  return `<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>${items}</ol></nav>`;
}

function missingBody(title: string, deleted: Awaited<ReturnType<typeof deletionOf>>, user: HeaderUser): string {
  const head = `<div class="page-head"><h1>${escapeHtml(title)}</h1>${tabsHtml(title, "read")}</div>`;
  const backlinks = `<p><a href="${pagePaths.backlinks(title)}">What links here</a></p>`;
  if (deleted) {
    return (
      head +
      `<div class="notice deleted-notice"><p>This page was deleted ${deleted.by ? `by ${escapeHtml(deleted.by)} ` : ""}` +
      `on <time datetime="${deleted.at}">${formatDate(deleted.at)}</time>.</p>` +
      `<p>Reason: ${deleted.reason ? escapeHtml(deleted.reason) : "none given"}</p></div>` +
      (canAdminister(user) ? `<p><a class="button" href="${pagePaths.restore(title)}">Restore this page</a></p>` : "") +
      `<p>You may also <a href="${pagePaths.edit(title)}">start a new page with this title</a>.</p>` +
      backlinks
    );
  }
  // a missing File: title invites an upload, any other title an edit
  const file = title.startsWith(FILE_PREFIX);
  return (
    head +
    `<p>There is no ${file ? "file" : "page"} called “${escapeHtml(title)}” yet.</p>` +
    `<p><a class="button" href="${file ? pagePaths.upload(title) : pagePaths.edit(title)}">${file ? "Upload this file" : "Create this page"}</a></p>` +
    backlinks
  );
}

function badTitleBody(message: string): string {
  return (
    `<div class="page-head"><h1>Bad title</h1></div><p class="error-box">${escapeHtml(message)}</p>` +
    `<p>${escapeHtml(TITLE_RULES_SENTENCE)}</p>` +
    `<p><a href="${MAIN_PAGE_PATH}">Go to the main page</a></p>`
  );
}
