import "server-only";
import { createHash } from "node:crypto";
import { db, Prisma, sqlPool } from "@/lib/db";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { ACCESS_NOTICE, mayKeep, onNotice, onReset, readTicket } from "@/lib/cache/coherence";
import { PUBLIC_AUDIENCE } from "@/lib/cache/front-documents";

// Who may read what (decision 0029): the one visibility rule, and a reader's access.
//
// Which space a title belongs to is decided by the database alone (`vellum_space_of`, `vellum_read_space` in the
// private_spaces migration), and every page row carries its read space (`pages.read_space`, set by a trigger
// whenever its title changes). Here the rule meets the reader: a page is visible when it has no read space, when
// the reader is an administrator, or when its read space is one of the reader's. Lists and searches compose
// `visibleSql` (or `visibleText`) into their SQL, so they never come back short and no count leaks; a read by id
// compares the row's read space with `mayReadSpace`, the same rule for a row already read.

/**
 * What a reader may see: administrators everything; anyone else public pages and the private spaces in `spaces`.
 * `editSpaces`: the spaces with an edit list of their own (not "editors") that name them (and whose pages they
 * may read), so what a page offers them follows from their access too. `audience` names both sets for caches:
 * "public" for everyone who reads no private space and is on no edit list (signed out or not), "all" for
 * administrators, else the access epoch and the sets, never the person.
 */
export type Access = { admin: boolean; spaces: readonly string[]; editSpaces: readonly string[]; audience: string };

const NONE = Object.freeze([]) as readonly string[];

/** A signed-out reader's access, and that of anyone who may read no private space and is on no edit list. */
export const PUBLIC_ACCESS: Access = Object.freeze({ admin: false, spaces: NONE, editSpaces: NONE, audience: PUBLIC_AUDIENCE });

/**
 * An administrator's access: everything. Also what a change answers its author with about what they just
 * changed (they may edit it, so they may read it) and what the shell's tools (export, backup) read.
 */
export const ADMIN_ACCESS: Access = Object.freeze({ admin: true, spaces: NONE, editSpaces: NONE, audience: "all" });

const RULE = (alias: string) => `(${alias}.read_space IS NULL OR {spaces}::text[] IS NULL OR ${alias}.read_space = ANY({spaces}::text[]))`;

/** The rule's one parameter: the reader's private spaces, or null (an administrator: everything). */
function spacesParam(access: Access): string[] | null {
  return access.admin ? null : [...access.spaces];
}

/** The visibility rule for the pages row `alias`, as a Prisma SQL fragment. */
export function visibleSql(alias: string, access: Access): Prisma.Sql {
  const parts = RULE(alias).split("{spaces}");
  return Prisma.sql(parts, ...parts.slice(1).map(() => spacesParam(access)));
}

/** The visibility rule for the pages row `alias` with its parameter at `$n`, and that parameter's value. */
export function visibleText(alias: string, n: number, access: Access): { sql: string; value: string[] | null } {
  return { sql: RULE(alias).replaceAll("{spaces}", `$${n}`), value: spacesParam(access) };
}

/**
 * The same rule in Prisma's `where` dialect, for a page relation of a model query (watchlists, contributions,
 * counts): compiled into its SQL like the others.
 */
export function visiblePageWhere(access: Access): Prisma.PageWhereInput {
  return access.admin ? {} : { OR: [{ readSpace: null }, { readSpace: { in: [...access.spaces] } }] };
}

/** The same rule for a row already read (a read by id): may this reader see a page whose read space is `space`? */
export function mayReadSpace(access: Access, space: string | null): boolean {
  return space === null || access.admin || access.spaces.includes(space);
}

/**
 * May this reader edit in a space whose edit list is its own (`editSpace`: its prefix, or null for a title whose
 * space lets every editor who may read edit)? The role and protection are the other rules'.
 */
export function mayEditSpace(access: Access, editSpace: string | null): boolean {
  return editSpace === null || access.admin || access.editSpaces.includes(editSpace);
}

/** The read space of a title, page or not (talk pages, links, titles about to be made). */
export async function readSpaceOf(title: string): Promise<string | null> {
  const { rows } = await sqlPool().query<{ s: string | null }>({ name: "vellum-read-space", text: "SELECT vellum_read_space($1) AS s", values: [title] });
  return rows[0]?.s ?? null;
}

/** May this reader read `title` (a page or not)? Admins and titles outside private spaces need no query. */
export async function mayReadTitle(access: Access, title: string): Promise<boolean> {
  return access.admin || mayReadSpace(access, await readSpaceOf(title));
}

/** 404, as if there were nothing there, unless this reader may read `title`. */
export async function assertMayReadTitle(access: Access, title: string): Promise<void> {
  if (!(await mayReadTitle(access, title))) throw new AppError("not_found", `There is no page called "${title}"`);
}

type Person = { id: string; role: string };

type Store = { byPerson: Map<string, Access>; subscribed: boolean };
const store: Store = ((globalThis as unknown as Record<symbol, Store | undefined>)[Symbol.for("vellum.access")] ??= {
  byPerson: new Map(),
  subscribed: false,
});
const MAX_PEOPLE = 20_000;

function subscribe() {
  if (store.subscribed) return;
  store.subscribed = true;
  onNotice((tag) => {
    if (tag === ACCESS_NOTICE) store.byPerson.clear();
    else if (tag.startsWith("u:")) store.byPerson.delete(tag.slice(2));
  });
  onReset(() => store.byPerson.clear());
}

/** A person's access from this process's memory alone (the front's synchronous path), or undefined when it must be asked. */
export function knownAccess(person: Person): Access | undefined {
  if (person.role === "admin") return ADMIN_ACCESS;
  subscribe();
  return store.byPerson.get(person.id);
}

/**
 * A person's access now: kept in this process until their notice (`u:<id>`) or any change of groups, members or
 * spaces (`a`), which every instance handles before that change's request answers.
 */
export async function accessOf(person: Person | null): Promise<Access> {
  if (!person) return PUBLIC_ACCESS;
  if (person.role === "admin") return ADMIN_ACCESS;
  subscribe();
  const known = store.byPerson.get(person.id);
  if (known) return known;
  const ticket = readTicket();
  const { rows } = await sqlPool().query<{ epoch: string; spaces: string[]; edit_spaces: string[] }>({
    name: "vellum-access-v2",
    text: `SELECT e.epoch::text AS epoch,
             ARRAY(SELECT s.prefix FROM spaces s WHERE NOT s.read_all AND vellum_principal_in(s.read, $1) ORDER BY s.prefix) AS spaces,
             ARRAY(SELECT s.prefix FROM spaces s WHERE NOT s.edit_all AND vellum_principal_in(s.edit, $1)
                   AND (s.read_all OR vellum_principal_in(s.read, $1)) ORDER BY s.prefix) AS edit_spaces
           FROM access_epoch e WHERE e.id = 1`,
    values: [person.id],
  });
  const spaces = rows[0]?.spaces ?? [];
  const editSpaces = rows[0]?.edit_spaces ?? [];
  // a short name, safe in any cache key: the epoch and a hash of the sets
  const sets = `${spaces.join("\n")}\n\n${editSpaces.join("\n")}`;
  const audience = `e${rows[0]?.epoch ?? 0}-${createHash("sha256").update(sets).digest("base64url").slice(0, 16)}`;
  const access: Access = spaces.length || editSpaces.length ? { admin: false, spaces, editSpaces, audience } : PUBLIC_ACCESS;
  if (mayKeep(ticket, [`u:${person.id}`, ACCESS_NOTICE])) {
    if (store.byPerson.size >= MAX_PEOPLE) store.byPerson.clear();
    store.byPerson.set(person.id, access);
  }
  return access;
}

/** Where a rule is asked: a change's transaction, or the client before one. */
type Queryable = Pick<Tx, "$queryRaw">;

/** A space as its admin page and the rules read it. */
export type SpaceRule = { prefix: string; readAll: boolean; editAll: boolean; mayRead: boolean; mayEdit: boolean };

/** The space covering `title` with what person `userId` may do there, or null when no space covers it. */
export async function spaceRuleFor(tx: Queryable, title: string, userId: string): Promise<SpaceRule | null> {
  const rows = await tx.$queryRaw<SpaceRule[]>`
    SELECT s.prefix, s.read_all AS "readAll", s.edit_all AS "editAll",
           s.read_all OR vellum_principal_in(s.read, ${userId}) AS "mayRead",
           s.edit_all OR vellum_principal_in(s.edit, ${userId}) AS "mayEdit"
    FROM vellum_space_of(${title}) s WHERE s.prefix IS NOT NULL`;
  return rows[0] ?? null;
}

/**
 * Why this person may not change `title` by its space, or null when they may: administrators change anything;
 * anyone else needs the space's `read` and its `edit` (which never grants what `read` does not). The role, block
 * and protection are the other rules' (lib/auth/permissions.ts).
 */
export async function spaceEditRefusal(tx: Queryable, title: string, person: Person): Promise<string | null> {
  if (person.role === "admin") return null;
  const space = await spaceRuleFor(tx, title, person.id);
  if (!space || (space.mayRead && space.mayEdit)) return null;
  return `“${title}” is in the space “${space.prefix}”, where you may not edit`;
}

/** 403 unless this person may change `title` by its space (whether or not a page has that title). */
export async function assertSpaceAllowsEdit(tx: Queryable, title: string, person: Person): Promise<void> {
  const refusal = await spaceEditRefusal(tx, title, person);
  if (refusal) throw new AppError("forbidden", refusal);
}

/** Why this person may not change `title` by its space now, or null: what the editor and upload pages ask before they open. */
export function whyNotEditTitle(title: string, person: Person): Promise<string | null> {
  return spaceEditRefusal(db(), title, person);
}
