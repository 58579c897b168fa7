// Prints, as JSON, what the API's read handlers answer for a set of titles and people in the database at
// DATABASE_URL (the same lib functions the handlers call): how the backup tests compare a restored wiki with its
// original. Run: node --conditions=react-server --import tsx lib/testing/read-wiki.ts '{"titles": [...], "people": [...], "tokens": [...]}'
import { getPageOrThrow } from "@/lib/wiki/page-reads";
import { listHistory, getRevisionOrThrow } from "@/lib/wiki/revisions";
import { readBlame } from "@/lib/wiki/blame";
import { listBacklinks } from "@/lib/wiki/links";
import { listComments } from "@/lib/talk/list-cache";
import { getFileWithVersions } from "@/lib/files/reads";
import { getProfileOrThrow, listContributions } from "@/lib/people/profiles";
import { userForToken } from "@/lib/auth/tokens";
import { searchPages } from "@/lib/wiki/search";
import { ADMIN_ACCESS } from "@/lib/auth/access";
import { listRecentChanges } from "@/lib/wiki/changes";
import { db } from "@/lib/db";

const ask = JSON.parse(process.argv[2] ?? "{}") as { titles: string[]; files: string[]; people: string[]; tokens: string[]; search: string[] };
const settle = async <T>(p: Promise<T>) => p.then((v) => ({ ok: v }), (e: unknown) => ({ error: String((e as Error).message) }));
const out: Record<string, unknown> = {};
// everything, as an administrator reads it: the comparison is of whole wikis
const A = ADMIN_ACCESS;
for (const title of ask.titles ?? []) {
  const history = await settle(listHistory(title, { limit: 500 }, A));
  out[`page ${title}`] = await settle(getPageOrThrow(title, A));
  out[`history ${title}`] = history;
  out[`blame ${title}`] = await settle(readBlame(title, null, A));
  out[`backlinks ${title}`] = await settle(listBacklinks(title, { limit: 500 }, A));
  out[`talk ${title}`] = await settle(listComments(title, A, { limit: 500 }));
  if ("ok" in history) for (const r of history.ok.revisions) out[`revision ${r.id}`] = await settle(getRevisionOrThrow(r.id, A));
}
for (const title of ask.files ?? []) out[`file ${title}`] = await settle(getFileWithVersions(title, { limit: 50 }, A));
for (const name of ask.people ?? []) {
  out[`user ${name}`] = await settle(getProfileOrThrow(name, A));
  out[`contributions ${name}`] = await settle(listContributions(name, { limit: 500 }, A));
}
for (const token of ask.tokens ?? []) out[`token ${token.slice(0, 6)}`] = (await userForToken(token))?.username ?? null;
for (const q of ask.search ?? []) out[`search ${q}`] = await settle(searchPages(q, { limit: 20, offset: 0 }, A));
out["recent changes"] = await listRecentChanges({ limit: 500 }, A);
// who may read what: every page's read space, spaces, groups and members
out["private pages"] = await db().page.findMany({ where: { readSpace: { not: null } }, orderBy: { id: "asc" }, select: { title: true, deletedTitle: true, readSpace: true } });
out.spaces = await db().space.findMany({ orderBy: { prefix: "asc" }, select: { prefix: true, readAll: true, read: true, editAll: true, edit: true } });
out.groups = await db().group.findMany({ orderBy: { nameKey: "asc" }, select: { name: true, members: { select: { user: { select: { username: true } } }, orderBy: { userId: "asc" } } } });
out.outbox = await db().outboxMessage.findMany({ orderBy: { id: "asc" }, select: { toAddress: true, subject: true, status: true } });
process.stdout.write(JSON.stringify(out));
process.exit(0);
