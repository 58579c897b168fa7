import { z, type ZodType } from "zod";
import { signUpSchema } from "@/lib/auth/accounts";
import { createTokenSchema, tokenListQuerySchema } from "@/lib/auth/tokens";
import { verifyEmailSchema } from "@/lib/auth/verification";
import { passwordChangeSchema } from "@/lib/auth/password-change";
import { connectSchema } from "@/lib/auth/identities";
import { ERROR_STATUS } from "@/lib/errors";
import { adminUserUpdateSchema, protectSchema } from "@/lib/people/admin";
import { groupCreateSchema } from "@/lib/people/groups";
import { spaceSchema } from "@/lib/people/spaces";
import { profileUpdateSchema } from "@/lib/people/profiles";
import { blameQuerySchema, deletePageSchema, diffQuerySchema, draftSchema, moveSchema, pageQuerySchema, previewSchema, recentChangesQuerySchema, restoreSchema, revertFileSchema, revertSchema, savePageSchema, searchQuerySchema, titleListQuerySchema, uploadQuerySchema } from "@/lib/wiki/schema";
import { commentSchema, talkQuerySchema } from "@/lib/talk/schema";
import { MAX_COMMENT_CHARS } from "@/lib/talk/limits";

/**
 * The HTTP API, described once: every /api route with its method, who may call it, and the very zod schemas that
 * validate its body and query. /api/openapi.json is generated from this list, /api-docs shows it, and a test checks
 * that every route under app/api is in it, so the description cannot drift from the code.
 */
export type Access = "anyone" | "signed-in" | "admin" | "session only";

export type Operation = {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path; `{slug}` is a page title as a slug, which may contain `/` (subpages). */
  path: string;
  summary: string;
  access: Access;
  body?: ZodType;
  /** The body is a file's raw bytes (any Content-Type), not JSON. */
  rawBody?: boolean;
  query?: ZodType;
  /** Success status and what it answers. */
  success: [number, string];
  /** Error statuses this operation answers beyond the ones every operation may (400 for bad input, 500). */
  errors?: (keyof typeof ERROR_STATUS)[];
  tag: string;
};

const titled = "`{slug}` is a page title with spaces as `_`; subpages keep their `/`.";

export const OPERATIONS: Operation[] = [
  // pages and revisions
  { method: "get", path: "/api/pages/{slug}", summary: `A page's current revision: {title, slug, markdown, html, revision, redirectTo} (redirectTo: {title, slug} when the page is a redirect, else null); header X-Revision-Id. ${titled}`, access: "anyone", success: [200, "the page"], errors: ["not_found"], tag: "Pages" },
  { method: "put", path: "/api/pages/{slug}", summary: "Save a new revision. 201 created, 200 updated (or `unchanged: true`, or `merged: true` when a stale save merged cleanly); 409 edit_conflict with `current: {revisionId, markdown}` and `currentRevision` (that revision: who saved it, when, its summary). Saving deletes your draft of the page.", access: "signed-in", body: savePageSchema, success: [200, "the saved revision"], errors: ["unauthorized", "forbidden", "not_found", "edit_conflict", "payload_too_large"], tag: "Pages" },
  { method: "post", path: "/api/revert/{slug}", summary: "Revert to an earlier revision: a new latest revision with its text.", access: "signed-in", body: revertSchema, success: [200, "the new revision"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Pages" },
  { method: "get", path: "/api/history/{slug}", summary: "Revisions newest first, cursor-paginated: {revisions: [{id, number, createdAt, author, summary, size, sizeDelta}], next}.", access: "anyone", query: pageQuerySchema, success: [200, "a page of history"], errors: ["not_found"], tag: "Pages" },
  { method: "get", path: "/api/blame/{slug}", summary: "Who wrote what: {revision: {id, number}, lines: [{text, revision: {id, number, createdAt, author}}]} for `?revision=` (default the current one); joining the texts with \"\\n\" gives its Markdown; each line names the revision that first brought its text into the page (a revert keeps the original). Costs the same however long the history; 503 with Retry-After while an old page's blame is first prepared.", access: "anyone", query: blameQuerySchema, success: [200, "the blame"], errors: ["not_found", "unavailable"], tag: "Pages" },
  { method: "get", path: "/api/revisions/{id}", summary: "One revision: {id, number, page: {title, slug}, createdAt, author, summary, markdown, html}.", access: "anyone", success: [200, "the revision"], errors: ["not_found"], tag: "Pages" },
  { method: "get", path: "/api/diff", summary: "Line diff of two revisions of one page: {from, to, changes: [{op, text}], exact}; `exact: false` when they were too different to compare and the text is shown as replaced.", access: "anyone", query: diffQuerySchema, success: [200, "the diff"], errors: ["not_found"], tag: "Pages" },
  { method: "post", path: "/api/preview", summary: "Render Markdown as a saved page would be: {html, toc, gaveUp} (gaveUp: the text was too complex and is shown as plain text).", access: "signed-in", body: previewSchema, success: [200, "the rendered HTML"], errors: ["unauthorized", "payload_too_large", "unavailable"], tag: "Pages" },
  // links, moves and deletes
  { method: "get", path: "/api/pages", summary: "Every page by title, cursor-paginated (`after`: the last title seen): {pages: [{title, slug, updatedAt, redirect}], next}.", access: "anyone", query: titleListQuerySchema, success: [200, "a page of titles"], tag: "Links" },
  { method: "get", path: "/api/backlinks/{slug}", summary: "Pages whose current text links to the title (which need not be a page), by title: {pages: [{title, slug}], next}.", access: "anyone", query: titleListQuerySchema, success: [200, "a page of backlinks"], tag: "Links" },
  { method: "get", path: "/api/wanted", summary: "Titles that are linked to but have no page, most linked first: {pages: [{title, slug, links}], next}.", access: "anyone", query: titleListQuerySchema, success: [200, "a page of wanted titles"], tag: "Links" },
  { method: "post", path: "/api/move/{slug}", summary: "Rename a page with its history, watches and protection: {from, to, redirect, revision}. A redirect (`#REDIRECT [[New title]]`) stays at the old title unless `leaveRedirect: false`. 409 when the new title is a page; 400 onto itself.", access: "signed-in", body: moveSchema, success: [200, "moved"], errors: ["unauthorized", "forbidden", "not_found", "conflict"], tag: "Links" },
  { method: "delete", path: "/api/pages/{slug}", summary: "Delete a page (admins), with an optional {reason}. It answers 404 (saying when and why) and leaves every list; its revisions are kept for a restore.", access: "admin", body: deletePageSchema, success: [200, "deleted"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Links" },
  { method: "post", path: "/api/restore/{slug}", summary: "Restore the page last deleted under this title (admins), with its history; 409 when the title is a page again.", access: "admin", body: restoreSchema, success: [200, "restored"], errors: ["unauthorized", "forbidden", "not_found", "conflict"], tag: "Links" },
  // files and images
  { method: "put", path: "/api/files/{slug}", summary: "Upload a file to a File: title (`File:Site_map.png`): the body is the file's bytes, any Content-Type (the type is read from the bytes; the name's extension must agree; UPLOAD_TYPES lists what is accepted), at most UPLOAD_MAX_BYTES (413, counted as it arrives). 201 {file} a new file (its description is the summary), 200 {file} a new version, 200 {unchanged: true, file} the same bytes as now. `If-None-Match: *`: only when the title holds no other file (412). 429 past the per-person rate.", access: "signed-in", rawBody: true, query: uploadQuerySchema, success: [201, "the new file"], errors: ["unauthorized", "forbidden", "precondition_failed", "payload_too_large", "rate_limited"], tag: "Files" },
  { method: "get", path: "/api/files/{slug}", summary: "A file: {file: {title, slug, url, version}, versions: [{id, number, size, contentType, sha256, width, height, createdAt, author, summary, url}], next, usedOn: [{title, slug}] (at most 50; /api/backlinks/{slug} has them all)}, versions newest first. `url` is immutable: /media/{versionId}/{name}, with ?width=N for an image at most N pixels wide; /file/{slug} redirects to the current one.", access: "anyone", query: pageQuerySchema, success: [200, "the file"], errors: ["not_found"], tag: "Files" },
  { method: "post", path: "/api/files/{slug}/revert", summary: "Make an earlier version's bytes current again: {versionId} -> 200 {file} (a new version; `unchanged: true` when they are current already).", access: "signed-in", body: revertFileSchema, success: [200, "the file"], errors: ["unauthorized", "forbidden", "not_found", "rate_limited"], tag: "Files" },
  // talk, recent changes, search
  { method: "get", path: "/api/talk/{slug}", summary: "A talk page's comments, newest first (10 by default): {comments: [{id, author: {username} | null, content, html, createdAt}], next}. Any valid title may have one.", access: "anyone", query: talkQuerySchema, success: [200, "a page of comments"], tag: "Talk" },
  { method: "post", path: "/api/talk/{slug}", summary: `Comment: {content} (Markdown, 1-${MAX_COMMENT_CHARS.toLocaleString("en")} characters; longer 413) -> 201 {comment}. Signed in, or anyone when ALLOW_ANONYMOUS_COMMENTS=on; 429 when posting too fast.`, access: "signed-in", body: commentSchema, success: [201, "the comment"], errors: ["unauthorized", "forbidden", "payload_too_large", "rate_limited"], tag: "Talk" },
  { method: "delete", path: "/api/talk/{slug}/{id}", summary: "Delete a comment (its author or an admin).", access: "signed-in", success: [200, "deleted"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Talk" },
  { method: "get", path: "/api/recent-changes", summary: "Every create, edit, revert, move, delete, restore, upload and comment, newest first: {changes: [{id, kind, page: {title, slug}, revisionId, author, summary, createdAt, sizeDelta}], next}. `kind` filters; `hideMine=1` leaves out your own. Atom: /recent-changes.atom, and /feed/{slug} per page.", access: "anyone", query: recentChangesQuerySchema, success: [200, "a page of changes"], tag: "Talk" },
  { method: "get", path: "/api/search", summary: "Search pages, best first (exact title, title matches, then text matches): {results: [{title, slug, snippet}], total, correction, didYouMean, ignoredWords}; snippet is escaped reader text with matches in <mark>. A word no page uses is corrected to the most similar word the wiki uses when nothing matches as typed (correction: {query, original}; asTyped=1 turns that off). At most 10 distinct words count. Any query up to 500 characters; longer 400.", access: "anyone", query: searchQuerySchema, success: [200, "results"], errors: ["unavailable"], tag: "Search" },
  { method: "post", path: "/api/admin/cache/flush", summary: "Empty memcached (flush_all) on every server (admins): {flushed}. Never makes a page stale: it only costs renders.", access: "admin", success: [200, "flushed"], errors: ["unauthorized", "forbidden"], tag: "Administration" },
  // watching
  { method: "get", path: "/api/drafts/{slug}", summary: "Your draft of the page: {markdown, baseRevisionId, savedAt}; 404 when you have none.", access: "signed-in", success: [200, "your draft"], errors: ["unauthorized", "not_found"], tag: "Writing" },
  { method: "put", path: "/api/drafts/{slug}", summary: "Keep your draft of the page {markdown, baseRevisionId} (the editor does so every few seconds while the text changes): {markdown, baseRevisionId, savedAt}. 429 when written again within a second; your oldest drafts beyond 20 go.", access: "signed-in", body: draftSchema, success: [200, "the draft kept"], errors: ["unauthorized", "forbidden", "not_found", "payload_too_large", "rate_limited"], tag: "Writing" },
  { method: "delete", path: "/api/drafts/{slug}", summary: "Forget your draft of the page: {markdown, baseRevisionId, savedAt} (what it held); 404 when you have none.", access: "signed-in", success: [200, "the draft forgotten"], errors: ["unauthorized", "not_found"], tag: "Writing" },
  { method: "get", path: "/api/editors/{slug}", summary: "Who has the page open in the editor now: {editors: [{username, since}]}, at most 50, who opened it first first.", access: "anyone", success: [200, "who is editing"], errors: ["not_found"], tag: "Writing" },
  { method: "put", path: "/api/editors/{slug}", summary: "You have the page open in the editor (the editor renews this every 15 s; after 45 s without, you are not): {editors}.", access: "signed-in", success: [200, "who is editing"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Writing" },
  { method: "delete", path: "/api/editors/{slug}", summary: "You closed the editor: {editing: false}.", access: "signed-in", success: [200, "not editing"], errors: ["unauthorized"], tag: "Writing" },
  { method: "get", path: "/api/watch/{slug}", summary: "Whether you watch the page: {watching}.", access: "signed-in", success: [200, "the watch state"], errors: ["unauthorized"], tag: "Watching" },
  { method: "put", path: "/api/watch/{slug}", summary: "Watch the page (change emails by your mail setting).", access: "signed-in", success: [200, "watching"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Watching" },
  { method: "delete", path: "/api/watch/{slug}", summary: "Stop watching the page.", access: "signed-in", success: [200, "not watching"], errors: ["unauthorized"], tag: "Watching" },
  // accounts and sign-in
  { method: "post", path: "/api/accounts", summary: "Sign up; 201 {user, emailVerified: false}, and a confirmation link is mailed. While the wiki has no admin, an account made from the machine itself or with the setup code becomes admin. 403 when LOCAL_SIGN_IN=off.", access: "anyone", body: signUpSchema, success: [201, "the new account"], errors: ["conflict", "rate_limited", "forbidden"], tag: "Accounts" },
  { method: "post", path: "/api/verify-email", summary: "Confirm an address with the token of the mailed link: {verified, username, email}.", access: "anyone", body: verifyEmailSchema, success: [200, "confirmed"], errors: ["not_found"], tag: "Accounts" },
  { method: "post", path: "/api/verify-email/send", summary: "Mail a new confirmation link to your address: {sent}.", access: "signed-in", success: [200, "sent, or already verified"], errors: ["unauthorized", "forbidden", "rate_limited"], tag: "Accounts" },
  { method: "get", path: "/api/me", summary: "The signed-in user: {user: {username, displayName, role, groups: [name]}}.", access: "signed-in", success: [200, "you"], errors: ["unauthorized"], tag: "Accounts" },
  { method: "get", path: "/api/auth/csrf", summary: "next-auth: the CSRF token a sign-in form posts: {csrfToken}.", access: "anyone", success: [200, "the token"], tag: "Sign-in" },
  { method: "post", path: "/api/auth/callback/credentials", summary: "next-auth: sign in with {csrfToken, username, password} (form or JSON; `json: \"true\"` answers {url}). 401 wrong password, 429 after repeated failures for the account or the client.", access: "anyone", success: [200, "signed in (session cookie set)"], errors: ["unauthorized", "rate_limited", "payload_too_large"], tag: "Sign-in" },
  { method: "post", path: "/api/auth/signin/email", summary: "next-auth: mail a magic sign-in link to {email} (answers the same whether or not it has an account, and sends none for an account the organisation made); 429 past the per-address or per-client limit; 403 when LOCAL_SIGN_IN=off.", access: "anyone", success: [200, "requested"], errors: ["rate_limited", "payload_too_large", "forbidden"], tag: "Sign-in" },
  { method: "get", path: "/api/auth/callback/email", summary: "next-auth: the magic link itself (single use, 15 minutes).", access: "anyone", success: [302, "signed in, redirected"], tag: "Sign-in" },
  { method: "get", path: "/api/auth/session", summary: "next-auth: the session, or {}.", access: "anyone", success: [200, "the session"], tag: "Sign-in" },
  { method: "post", path: "/api/auth/signin/oidc", summary: "next-auth: begin single sign-on with the OpenID Connect provider (when OIDC_ISSUER is set): {csrfToken, callbackUrl}; answers the provider's authorization URL (PKCE, state and nonce kept in cookies).", access: "anyone", success: [200, "the provider's URL"], tag: "Sign-in" },
  { method: "get", path: "/api/auth/callback/oidc", summary: "next-auth: where the provider sends the browser back. The ID token's signature, issuer, audience, expiry and nonce are checked; the identity (issuer, sub) names one account, made the first time, never matched by address; groups and role follow the groups claim.", access: "anyone", success: [302, "signed in, redirected"], tag: "Sign-in" },
  { method: "post", path: "/api/auth/signout", summary: "next-auth: sign out ({csrfToken}).", access: "anyone", success: [200, "signed out"], tag: "Sign-in" },
  // people
  { method: "get", path: "/api/users/{username}", summary: "A profile: {username, displayName, bio, bioHtml, role, joinedAt, editCount}.", access: "anyone", success: [200, "the profile"], errors: ["not_found"], tag: "People" },
  { method: "post", path: "/api/users/me/password", summary: "A new password {currentPassword?, newPassword}: every other session of yours ends; yours goes on. currentPassword may be left out within 15 minutes of a magic-link sign-in (a forgotten password). 400 for an account from the organisation (it has no Vellum password); 403 for a wrong current password, or when LOCAL_SIGN_IN=off.", access: "signed-in", body: passwordChangeSchema, success: [200, "changed"], errors: ["unauthorized", "bad_request", "forbidden", "rate_limited"], tag: "People" },
  { method: "get", path: "/api/users/me/identities", summary: "The organisation identities connected to your account: {identities: [{id, provider, issuer, name, connectedAt, lastSignInAt, usable}], origin, hasPassword, providers}.", access: "signed-in", success: [200, "your identities"], errors: ["unauthorized"], tag: "People" },
  { method: "post", path: "/api/users/me/identities", summary: "Connect an identity: {provider: \"ldap\", username, password} -> 201 (checked against the directory); {provider: \"oidc\"} -> {signIn} and a Connect intent for 10 minutes: signing in with the provider then connects its identity to this account. 409 when the identity is someone else's.", access: "session only", body: connectSchema, success: [200, "connected, or where to sign in"], errors: ["unauthorized", "forbidden", "bad_request", "conflict", "unavailable"], tag: "People" },
  { method: "delete", path: "/api/users/me/identities/{id}", summary: "Disconnect one of your identities; 409 when it is your last way in, 404 when it is not yours, 403 while blocked.", access: "session only", success: [200, "your identities"], errors: ["unauthorized", "forbidden", "not_found", "conflict"], tag: "People" },
  { method: "get", path: "/api/users/me", summary: "Your own profile.", access: "signed-in", success: [200, "your profile"], errors: ["unauthorized"], tag: "People" },
  { method: "patch", path: "/api/users/me", summary: "Change your display name, bio or mail setting.", access: "signed-in", body: profileUpdateSchema, success: [200, "the profile"], errors: ["unauthorized", "forbidden"], tag: "People" },
  { method: "get", path: "/api/contributions/{username}", summary: "A person's revisions, newest first: {revisions, next}.", access: "anyone", query: pageQuerySchema, success: [200, "a page of contributions"], errors: ["not_found"], tag: "People" },
  { method: "get", path: "/api/tokens", summary: "Your live access tokens, newest first (never their values): {tokens: [{id, name, createdAt, lastUsedAt, expiresAt}], next}.", access: "signed-in", query: tokenListQuerySchema, success: [200, "your tokens"], errors: ["unauthorized"], tag: "People" },
  { method: "post", path: "/api/tokens", summary: "A new personal access token, shown once: {token, id, name, createdAt, expiresAt}. Only a signed-in session may create one (403 for a token); at most 50 live tokens per person (409).", access: "session only", body: createTokenSchema, success: [201, "the token"], errors: ["unauthorized", "forbidden", "conflict"], tag: "People" },
  { method: "delete", path: "/api/tokens/{id}", summary: "Revoke one of your tokens.", access: "signed-in", success: [200, "revoked"], errors: ["unauthorized", "not_found"], tag: "People" },
  // administration
  { method: "get", path: "/api/admin/import/mediawiki", summary: "The latest import runs (shell and API), newest first, with their progress: {runs: [{id, source, origin, status: running | done | failed | stopped, bytesRead, bytesTotal, pages, revisions, users, skipped, renamed, error, startedAt, updatedAt, finishedAt}]}.", access: "admin", success: [200, "import runs"], errors: ["unauthorized", "forbidden"], tag: "Administration" },
  { method: "post", path: "/api/admin/import/mediawiki", summary: "Import a MediaWiki XML export (Special:Export or dumpBackup.php --full, schema 0.10 and later; the body, streamed, at most 512 MiB: `npm run import:mediawiki` takes any size) -> {pages, revisions, users, skipped: [{title, reason}], renamed: [{from, to}], run}. Every revision in order with its time, summary and author (authors become accounts that cannot sign in; IP editors stay anonymous); importing again adds nothing. Malformed XML, a DTD or another schema: 400 (pages complete before the fault stay, the page it cut does not exist).", access: "admin", rawBody: true, success: [200, "what was imported"], errors: ["unauthorized", "forbidden", "payload_too_large"], tag: "Administration" },
  { method: "patch", path: "/api/admin/users/{username}", summary: "Change a person's role, block them, or give them an email address {email} (an author imported from another wiki has none: they can then sign in by a link mailed to it); 409 when another account has it.", access: "admin", body: adminUserUpdateSchema, success: [200, "the person"], errors: ["unauthorized", "forbidden", "not_found", "conflict"], tag: "Administration" },
  { method: "post", path: "/api/admin/protect/{slug}", summary: "Protect a page: none, editor (semi-protection: editors with a verified address) or admin.", access: "admin", body: protectSchema, success: [200, "the protection"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Administration" },
  { method: "get", path: "/api/admin/groups", summary: "Every group with its members: {groups: [{name, members: [username]}]} (the first 500 groups, 1,000 members each).", access: "admin", success: [200, "groups"], errors: ["unauthorized", "forbidden"], tag: "Administration" },
  { method: "post", path: "/api/admin/groups", summary: "Make a group {name} (the username rules; unique ignoring case); 409 when one has that name.", access: "admin", body: groupCreateSchema, success: [201, "the group"], errors: ["unauthorized", "forbidden", "conflict"], tag: "Administration" },
  { method: "delete", path: "/api/admin/groups/{name}", summary: "Remove a group: its members lose what it granted, and spaces stop naming it.", access: "admin", success: [200, "deleted"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Administration" },
  { method: "put", path: "/api/admin/groups/{name}/members/{username}", summary: "Add someone to a group (idempotent). Holds on every instance and cache when it answers.", access: "admin", success: [200, "the membership"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Administration" },
  { method: "delete", path: "/api/admin/groups/{name}/members/{username}", summary: "Take someone out of a group (idempotent): from the answer on, nothing of the group's spaces reaches them, mail included.", access: "admin", success: [200, "the membership"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Administration" },
  { method: "get", path: "/api/admin/spaces", summary: "Every space: {spaces: [{prefix, read, edit}]}.", access: "admin", success: [200, "spaces"], errors: ["unauthorized", "forbidden"], tag: "Administration" },
  { method: "put", path: "/api/admin/spaces/{slug}", summary: "Make a title prefix a space, or change it: {read: \"everyone\" | [principal], edit: \"editors\" | [principal]}, a principal being group:<name> or user:<username> -> {prefix, read, edit}. A space covers its prefix as whole segments (Team covers Team and Team/..., never Teamwork) and File:<prefix>/...; the longest covering prefix decides. 400 for an unknown principal or a File: prefix.", access: "admin", body: spaceSchema, success: [200, "the space"], errors: ["unauthorized", "forbidden", "bad_request"], tag: "Administration" },
  { method: "delete", path: "/api/admin/spaces/{slug}", summary: "Make the prefix ordinary again.", access: "admin", success: [200, "deleted"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Administration" },
  { method: "get", path: "/api/admin/audit", summary: "Every change of roles, blocks, groups, memberships, spaces and protection, newest first: {entries: [{at, actor, action, target, detail}], next} (?limit=, ?before=<next>).", access: "admin", query: pageQuerySchema, success: [200, "audit entries"], errors: ["unauthorized", "forbidden"], tag: "Administration" },
  { method: "get", path: "/api/admin/sign-in", summary: "How people sign in: {local, oidc: {issuer, name, answers, error, lastError} | null, ldap: {url, answers, error, lastError} | null, checkedAt}; the issuer and directory are asked now, with a deadline of a few seconds.", access: "admin", success: [200, "the status"], errors: ["unauthorized", "forbidden"], tag: "Administration" },
  { method: "post", path: "/api/admin/outbox/{id}/retry", summary: "Send a failed message again.", access: "admin", success: [200, "queued again"], errors: ["unauthorized", "forbidden", "not_found"], tag: "Administration" },
  // operations
  { method: "get", path: "/api/health", summary: "{ok, db: \"up\" | \"down\", cache: \"up\" | \"down\" | \"memory\"}; 503 when the database is unreachable.", access: "anyone", success: [200, "healthy"], tag: "Operations" },
  { method: "get", path: "/api/cache/stats", summary: "memcached's counters summed over servers, and this instance's page-cache and front-cache counters and its reads meant for the standby (lists read there, passed over to the primary, failed).", access: "anyone", success: [200, "the counters"], tag: "Operations" },
  { method: "get", path: "/api/openapi.json", summary: "This document.", access: "anyone", success: [200, "OpenAPI 3.1"], tag: "Operations" },
];

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string", enum: Object.keys(ERROR_STATUS) }, message: { type: "string" } },
    },
  },
} as const;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a client sends it (`input`) or as it is read. */
function jsonSchema(schema: ZodType, io: "input" | "output"): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

/** Query parameters from a query schema's properties. */
function queryParameters(schema: ZodType) {
  const s = jsonSchema(schema, "output") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: "query",
    required: (s.required ?? []).includes(name) && !("default" in prop),
    schema: prop,
  }));
}

const ACCESS_SECURITY: Record<Access, Record<string, string[]>[]> = {
  anyone: [{}],
  "signed-in": [{ session: [] }, { bearer: [] }],
  admin: [{ session: [] }, { bearer: [] }],
  "session only": [{ session: [] }],
};

/** The OpenAPI 3.1 document of the API. */
export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" },
      ...(name === "slug" ? { description: titled } : {}),
    }));
    const errors = new Set<string>(["bad_request", "internal", ...(op.errors ?? [])]);
    const responses: Record<string, unknown> = { [op.success[0]]: { description: op.success[1] } };
    for (const code of errors) {
      const status = String(ERROR_STATUS[code as keyof typeof ERROR_STATUS]);
      responses[status] ??= { description: code, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      tags: [op.tag],
      operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      security: ACCESS_SECURITY[op.access],
      ...(op.access === "admin" ? { description: "Administrators only (403 for anyone else)." } : {}),
      parameters: [...pathParams, ...(op.query ? queryParameters(op.query) : [])],
      ...(op.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } } }
        : {}),
      ...(op.rawBody
        ? { requestBody: { required: true, content: { "*/*": { schema: { type: "string", contentMediaType: "application/octet-stream" } } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Vellum",
      version: "1",
      description:
        "A wiki with full revision history. JSON in and out. A cookie-authenticated request that changes state must carry " +
        "the site's own Origin (403 otherwise); bearer-token requests need none. Unknown body fields are a 400. Lists are " +
        "cursor-paginated (`limit`, `before`; the answer's `next`).",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "next-auth's session cookie (`__Secure-` prefixed over HTTPS)" },
        bearer: { type: "http", scheme: "bearer", description: "A personal access token (Settings), `vlm_…`" },
      },
    },
  };
}
