import "server-only";
import { randomUUID } from "node:crypto";
import { getConfig } from "@/lib/config";
import { db, isUniqueViolation, type Role } from "@/lib/db";
import { inTransaction, type Tx } from "@/lib/db/transaction";
import { audit } from "@/lib/people/audit";
import { profileUpdateSchema } from "@/lib/people/profiles";
import { freeUsername, plainName, usernameSchema } from "./accounts";
import { normalizeEmail, placeholderEmail, usernameKey } from "./normal-forms";

// Signing in as an organisation (decision 0030): an identity (issuer, subject) from OpenID Connect or a directory
// names one account, made the first time it signs in and never found by email address. At each sign-in the
// person's groups follow what the organisation says, and so does the role of an account the organisation made.

export type OrgSource = "oidc" | "ldap";

/** What an organisation says about the person signing in. */
export type OrgProfile = {
  source: OrgSource;
  issuer: string;
  subject: string;
  /** What Settings shows for the identity (a username, address or DN). */
  label: string;
  /** A username to start from (made valid and distinct). */
  preferredUsername: string;
  displayName: string;
  /** An address the organisation vouches for, or null. */
  email: string | null;
  /** Group names as the organisation spells them (made valid here; invalid ones are left out). */
  groups: string[];
};

/** Why a sign-in through the organisation is refused: a code the sign-in and settings pages explain. */
export type OrgRefusal = "IdentityTaken" | "SignedInAsOther" | "Blocked";

export type OrgUser = { id: string; username: string; displayName: string; role: Role; blocked: boolean; email: string };

/** The most groups one sign-in takes from the organisation (the rest are ignored). */
export const MAX_ORG_GROUPS = 200;

/** Is OpenID Connect configured? */
export function oidcConfigured(): boolean {
  const c = getConfig();
  return Boolean(c.OIDC_ISSUER && c.OIDC_CLIENT_ID && c.OIDC_CLIENT_SECRET);
}

/** Is a directory configured? */
export function ldapConfigured(): boolean {
  return Boolean(getConfig().LDAP_URL);
}

/** May people sign in with a Vellum password or magic link, and sign up? */
export function localSignIn(): boolean {
  return getConfig().LOCAL_SIGN_IN === "on";
}

/**
 * A group name from the organisation in Vellum's spelling (group names follow the username rules): a path's `/`
 * (Keycloak's full group paths) as `-`, spaces as `_`, accents dropped. Null when nothing valid is left.
 */
export function groupName(raw: string): string | null {
  const name = plainName(raw.trim().replace(/^\/+/, "").replace(/\//g, "-"));
  return usernameSchema.safeParse(name).success ? name : null;
}

/** The groups a claim or directory names, valid and distinct ignoring case, at most MAX_ORG_GROUPS. */
export function groupNames(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [];
  const byKey = new Map<string, string>();
  for (const item of list) {
    if (typeof item !== "string" || item.length > 256) continue;
    const name = groupName(item);
    if (name && !byKey.has(usernameKey(name))) byKey.set(usernameKey(name), name);
    if (byKey.size >= MAX_ORG_GROUPS) break;
  }
  return [...byKey.values()];
}

/** The role the organisation's groups give: admin groups first, then editor groups, else the default. */
export function roleFromGroups(source: OrgSource, groups: string[]): Role {
  const c = getConfig();
  const [admins, editors, fallback] =
    source === "oidc"
      ? [c.OIDC_ADMIN_GROUPS, c.OIDC_EDITOR_GROUPS, c.OIDC_DEFAULT_ROLE]
      : [c.LDAP_ADMIN_GROUPS, c.LDAP_EDITOR_GROUPS, c.LDAP_DEFAULT_ROLE];
  const have = new Set(groups.map(usernameKey));
  const named = (list: string[]) => list.some((g) => have.has(usernameKey(groupName(g) ?? g)));
  if (named(admins)) return "admin";
  if (named(editors)) return "editor";
  return fallback;
}

const RANK: Record<Role, number> = { reader: 0, editor: 1, admin: 2 };

/**
 * Make the person's memberships follow the organisation: they join every group it names (made when missing), and
 * leave every group whose membership this organisation's sign-in made and that it no longer names. Memberships an
 * administrator gave are left as they are, until the organisation names the group too (it then vouches for them).
 * Each change goes into the audit log.
 */
async function syncGroups(tx: Tx, user: { id: string; username: string }, source: OrgSource, names: string[]): Promise<void> {
  const actor = { username: `(${source} sign-in)` };
  const wanted = new Map(names.map((n) => [usernameKey(n), n]));
  for (const [key, name] of wanted) {
    const made = await tx.$executeRaw`INSERT INTO groups (name, name_key, source) VALUES (${name}, ${key}, ${source}) ON CONFLICT (name_key) DO NOTHING`;
    if (made) await audit(tx, actor, "group.create", name, { source });
  }
  const current = await tx.$queryRaw<{ id: number; name: string; name_key: string; source: string | null }[]>`
    SELECT g.id, g.name, g.name_key, m.source FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.user_id = ${user.id}`;
  const have = new Map(current.map((g) => [g.name_key, g]));
  for (const g of current) {
    if (g.source === source && !wanted.has(g.name_key)) {
      await tx.$executeRaw`DELETE FROM group_members WHERE group_id = ${g.id} AND user_id = ${user.id}`;
      await audit(tx, actor, "member.remove", g.name, { username: user.username });
    }
  }
  for (const [key, name] of wanted) {
    const had = have.get(key);
    if (had?.source === source) continue;
    if (had) {
      // an administrator's membership the organisation now names: from here on it follows the organisation
      await tx.$executeRaw`UPDATE group_members SET source = ${source} WHERE group_id = ${had.id} AND user_id = ${user.id}`;
      continue;
    }
    const added = await tx.$executeRaw`INSERT INTO group_members (group_id, user_id, source) SELECT id, ${user.id}, ${source} FROM groups WHERE name_key = ${key} ON CONFLICT DO NOTHING`;
    if (added) await audit(tx, actor, "member.add", name, { username: user.username });
  }
}

const userSelect = { id: true, username: true, displayName: true, role: true, blocked: true, email: true, origin: true } as const;

/**
 * Sign in through the organisation. The identity's account, or a new one (never an existing account found by
 * address), or, when `connectTo` names the signed-in person who asked to connect it, theirs. `signedInAs` is who
 * the browser is signed in as now (verified), if anyone: an identity of someone else is then refused, so a
 * sign-in never silently switches accounts. Groups and role follow the organisation; a block stays.
 */
export async function signInWithOrganisation(
  profile: OrgProfile,
  { signedInAs = null, connectTo = null }: { signedInAs?: string | null; connectTo?: string | null } = {},
): Promise<{ user: OrgUser; created: boolean } | { refused: OrgRefusal }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction((tx) => signInOnce(tx, profile, signedInAs, connectTo));
    } catch (e) {
      // two first sign-ins at once (the same identity, or the same free name): the second tries again and finds it
      if (attempt < 3 && isUniqueViolation(e)) continue;
      throw e;
    }
  }
}

async function signInOnce(tx: Tx, profile: OrgProfile, signedInAs: string | null, connectTo: string | null) {
  const { source, issuer, subject } = profile;
  const identity = await tx.identity.findUnique({ where: { issuer_subject: { issuer, subject } }, select: { id: true, userId: true } });
  let user: OrgUser & { origin: string };
  let created = false;
  if (identity) {
    if ((connectTo ?? signedInAs) && (connectTo ?? signedInAs) !== identity.userId) {
      return { refused: connectTo ? "IdentityTaken" : "SignedInAsOther" } as const;
    }
    user = await tx.user.findUniqueOrThrow({ where: { id: identity.userId }, select: userSelect });
    await tx.identity.update({ where: { id: identity.id }, data: { label: profile.label.slice(0, 500), lastSignInAt: new Date() } });
  } else if (connectTo) {
    user = await tx.user.findUniqueOrThrow({ where: { id: connectTo }, select: userSelect });
    // a block holds through every way in: a blocked person cannot add one (nor, in Settings, take one away)
    if (user.blocked) return { refused: "Blocked" } as const;
    await tx.identity.create({ data: { userId: user.id, provider: source, issuer, subject, label: profile.label.slice(0, 500), lastSignInAt: new Date() } });
  } else if (signedInAs) {
    return { refused: "SignedInAsOther" } as const;
  } else {
    user = await createOrgAccount(tx, profile);
    created = true;
  }
  await syncGroups(tx, user, source, profile.groups);
  // an account the organisation made has the role its groups give; an account of Vellum's own that connected an
  // identity is raised to it, never lowered (Vellum's administrators gave its role)
  const fromGroups = roleFromGroups(source, profile.groups);
  const role = user.origin === "local" && RANK[user.role] > RANK[fromGroups] ? user.role : fromGroups;
  if (role !== user.role) {
    await tx.user.update({ where: { id: user.id }, data: { role } });
    await audit(tx, { username: `(${source} sign-in)` }, "role", user.username, { from: user.role, to: role });
    user = { ...user, role };
  }
  const { origin: _origin, ...result } = user;
  return { user: result, created };
}

/** A new account for an identity: a free username, the organisation's address only when no account has it. */
async function createOrgAccount(tx: Tx, profile: OrgProfile): Promise<OrgUser & { origin: string }> {
  const username = await freeUsername(tx, profile.preferredUsername || profile.displayName || "user", "");
  const email = normalizeEmail(profile.email);
  const free = email && !(await tx.user.findUnique({ where: { email }, select: { id: true } }));
  const user = await tx.user.create({
    data: {
      username,
      usernameKey: usernameKey(username),
      // an address held by another account stays theirs: this account gets none it could be mistaken by
      email: free ? email : placeholderEmail(randomUUID(), profile.source),
      emailVerified: free ? new Date() : null,
      // as a display name typed in Settings would be kept: no control characters, one line, at most 64
      displayName: profileUpdateSchema.shape.displayName.safeParse(profile.displayName.slice(0, 64)).data ?? username,
      role: "reader",
      origin: profile.source,
    },
    select: userSelect,
  });
  await tx.identity.create({
    data: { userId: user.id, provider: profile.source, issuer: profile.issuer, subject: profile.subject, label: profile.label.slice(0, 500), lastSignInAt: new Date() },
  });
  return user;
}

/** Remember the last failed organisation sign-in (shown on the admin page); never fails the caller. */
export async function recordSignInError(provider: OrgSource, message: string): Promise<void> {
  const text = message.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, 500);
  try {
    await db().signInError.upsert({ where: { provider }, create: { provider, at: new Date(), message: text }, update: { at: new Date(), message: text } });
  } catch (e) {
    console.error("[vellum] could not record a sign-in error:", e);
  }
}

/** The last failed sign-in of each provider. */
export async function lastSignInErrors(): Promise<Record<string, { at: string; message: string }>> {
  const rows = await db().signInError.findMany();
  return Object.fromEntries(rows.map((r) => [r.provider, { at: r.at.toISOString(), message: r.message }]));
}
