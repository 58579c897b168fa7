import type { NextRequest } from "next/server";
import { AppError } from "@/lib/errors";
import { titleFromRequest } from "@/lib/http/route";
import { hasSessionCookie, getSessionUser } from "@/lib/auth/session";
import { canAdminister, readerActor } from "@/lib/auth/permissions";
import { escapeHtml, FILE_PREFIX } from "@/lib/markdown/render";
import { deletionOf, getPageViewOrThrow, readablePageState } from "@/lib/wiki/page-reads";
import { accessOf, type Access } from "@/lib/auth/access";
import { fillSlots } from "@/lib/cache/front-documents";
import { readTicket } from "@/lib/cache/coherence";
import { countView } from "@/lib/cache/view-counts";
import { encodeSlug, pagePaths, slugOf } from "@/lib/wiki/titles";
import { normaliseTitleOrNull } from "@/lib/wiki/title-rules.js";
import { documentHtml, type HeaderUser } from "@/app/_components/chrome";
import { offersEdit, tabsHtml } from "@/app/_components/tabs-html";
import { articleDocument, htmlHeaders, keepArticle } from "./article";
import { formatDate } from "@/app/_components/format";
import { MAIN_PAGE_PATH, TITLE_RULES_SENTENCE } from "@/lib/http/names.js";

export const dynamic = "force-dynamic";

function htmlResponse(status: number, body: string | null, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: htmlHeaders(headers) });
}

/**
 * GET /wiki/{slug}: the article view. A route handler that sends one finished HTML document rather than a React
 * page, because it is the hot path: the article is sent once (no RSC payload) and nothing is hydrated
 * (docs/decisions/0006-article-view-as-route-handler.md).
 */
export async function GET(req: NextRequest): Promise<Response> {
  const path = req.nextUrl.pathname;
  const sessionUser = hasSessionCookie(req.headers.get("cookie")) ? await getSessionUser() : null;
  const user: HeaderUser = sessionUser;
  const access = await accessOf(sessionUser);
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
    const ticket = readTicket(); // before the read: a change noticed meanwhile keeps the document from being kept
    const page = await getPageViewOrThrow(title, access);
    if (page.redirectTo && query.get("redirect") !== "no") {
      const target = await followableRedirect(title, page.redirectTo, access);
      if (target) {
        // 302, not 301: a redirect page can change, and browsers keep a 301 for ever
        const to = new URL(`/wiki/${encodeSlug(target)}`, req.url);
        to.searchParams.set("redirectedfrom", slugOf(title));
        return new Response(null, { status: 302, headers: { Location: to.pathname + to.search, "Cache-Control": "no-cache" } });
      }
    }
    const from = query.get("redirectedfrom");
    const redirectedFrom = from ? await confirmedRedirectFrom(from, title, access) : null;
    const doc = articleDocument(page, path, redirectedFrom);
    const mine = doc.personalise(user);
    const headers: Record<string, string> = { "X-Revision-Id": String(page.revision.id) };
    if (!req.nextUrl.search) {
      headers.ETag = mine.etag;
      if (req.headers.get("if-none-match") === mine.etag) return html(304, null, headers);
    }
    countView(page.title);
    if (!req.nextUrl.search) keepArticle(path, ticket, page, doc);
    return html(200, fillSlots(doc.shared, mine.fills), headers);
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") {
      const deleted = await deletionOf(title, access);
      return html(404, documentHtml({ title, user, path, body: missingBody(title, deleted, user) }));
    }
    throw e;
  }
}

/**
 * Where a redirect page sends its reader: its target, when that is a page other than itself and not a redirect
 * too (one hop only, so nothing ever loops); null to show the redirect page instead.
 */
async function followableRedirect(title: string, target: string, access: Access): Promise<string | null> {
  if (target === title) return null;
  const state = await readablePageState(target, access);
  return state && !state.redirectTo ? target : null;
}

/** The title named in ?redirectedfrom=, when it really is a redirect to this page (else no note is shown). */
async function confirmedRedirectFrom(slug: string, title: string, access: Access): Promise<string | null> {
  const from = normaliseTitleOrNull(slug.replaceAll("_", " "));
  if (!from) return null;
  const state = await readablePageState(from, access);
  return state?.redirectTo === title ? from : null;
}

function missingBody(title: string, deleted: Awaited<ReturnType<typeof deletionOf>>, user: HeaderUser): string {
  const head = `<div class="page-head"><h1>${escapeHtml(title)}</h1>${tabsHtml(title, "read", undefined, offersEdit(user, "none") ? "offer" : "none")}</div>`;
  const backlinks = `<p><a href="${pagePaths.backlinks(title)}">What links here</a></p>`;
  if (deleted) {
    return (
      head +
      `<div class="notice deleted-notice"><p>This page was deleted ${deleted.by ? `by ${escapeHtml(deleted.by)} ` : ""}` +
      `on <time datetime="${deleted.at}">${formatDate(deleted.at)}</time>.</p>` +
      `<p>Reason: ${deleted.reason ? escapeHtml(deleted.reason) : "none given"}</p></div>` +
      (canAdminister(readerActor(user)) ? `<p><a class="button" href="${pagePaths.restore(title)}">Restore this page</a></p>` : "") +
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
