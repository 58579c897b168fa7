import { escapeHtml } from "@/lib/markdown/render";
import { MAIN_PAGE_PATH } from "@/lib/http/names.js";
import { canAdminister } from "@/lib/auth/permissions";
import { SLOTS } from "@/lib/cache/front-documents";
import { MAX_QUERY_CHARS } from "@/lib/wiki/query-schemas.js";
import { getConfig } from "@/lib/config";

/** Who the header greets; null when signed out. Role and block only decide whether to show the Admin link. */
export type HeaderUser = { username: string; role: string; blocked?: boolean; verified?: boolean } | null;

/**
 * The site header as HTML. One definition serves both the article view (a route handler that sends a finished
 * document, for speed) and the React layout, so the two never drift apart.
 */
export function siteHeaderHtml(user: HeaderUser, returnTo = "/"): string {
  return siteHeaderAround(accountHtml(user, returnTo));
}

/** The header with the front cache's slot for the account links (a page kept for every reader: decision 0021). */
export function siteHeaderHtmlToFill(): string {
  return siteHeaderAround(SLOTS.account);
}

/**
 * The header's account links: who is signed in (and Admin for admins), or the ways to sign in (no sign-up where
 * only the organisation signs people in: decision 0030).
 */
export function accountHtml(user: HeaderUser, returnTo = "/"): string {
  const signUp = getConfig().LOCAL_SIGN_IN === "on" ? `<a href="/signup">Create account</a>` : "";
  return user
    ? `<a href="/watchlist">Watchlist</a>${canAdminister(user) ? `<a href="/admin">Admin</a>` : ""}` +
        `<a href="/settings">Settings</a><a href="/users/${encodeURIComponent(user.username)}">${escapeHtml(user.username)}</a>` +
        `<a href="/signout">Sign out</a>`
    : `<a href="/signin?callbackUrl=${encodeURIComponent(returnTo)}">Sign in</a>${signUp}`;
}

/** The header around its account links (given as HTML, or the front cache's slot for them). */
function siteHeaderAround(account: string): string {
  return (
    `<a class="skip" href="#content">Skip to content</a>` +
    `<div class="bar"><a class="brand" href="${MAIN_PAGE_PATH}">Vellum</a>` +
    `<nav aria-label="Site"><a href="${MAIN_PAGE_PATH}">Main page</a><a href="/recent-changes">Recent changes</a><a href="/pages">All pages</a><a href="/wanted">Wanted</a><a href="/random">Random page</a></nav>` +
    `<form class="search" action="/search" method="get" role="search"><label class="skip" for="site-search">Search the wiki</label>` +
    `<input id="site-search" type="search" name="q" placeholder="Search" maxlength="${MAX_QUERY_CHARS}"></form>` +
    `<div class="user">${account}</div></div>`
  );
}

/** The site's icon (public/, with favicon.ico beside it for clients that ask for that name). */
export const FAVICON_PATH = "/favicon.svg";

/** The version of KaTeX whose style sheet and fonts /katex/ serves; part of their URL, so they are cached for a year. */
export const KATEX_VERSION = "0.19.1";
/** Where a page links KaTeX's style sheet from (this site: no asset from another site). */
export const KATEX_CSS_PATH = `/katex/katex.min.css?v=${KATEX_VERSION}`;

/**
 * A complete HTML document around `body` (already safe HTML); KaTeX's style sheet when it shows a formula. The
 * header's account links are `account` (HTML, or the front cache's slot) when given, else made for `user`.
 */
export function documentHtml(opts: { title: string; body: string; user: HeaderUser; path: string; account?: string }): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(opts.title)} · Vellum</title><link rel="stylesheet" href="/vellum.css">` +
    `<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">` +
    (opts.body.includes('class="katex') ? `<link rel="stylesheet" href="${KATEX_CSS_PATH}">` : "") +
    `</head><body><header class="site-header">${siteHeaderAround(opts.account ?? accountHtml(opts.user, opts.path))}</header>` +
    `<main id="content" class="page">${opts.body}</main></body></html>`
  );
}
