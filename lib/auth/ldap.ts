import "server-only";
import { Client, InvalidCredentialsError, type Entry } from "ldapts";
import { getConfig } from "@/lib/config";
import { groupNames, type OrgProfile } from "./organisation";

// Signing in against a directory (decision 0030), with ldapts: look the person up with the service account, bind
// as the entry found with the typed password, then read their groups (groups under LDAP_GROUP_BASE naming them by
// `member`, `uniqueMember` or `memberUid`, and their own `memberOf`). Every call has a deadline; a directory that
// does not answer in time is "unavailable", never a wrong password.

/** The directory did not answer (or refused the service account): the sign-in is refused with this said. */
export class DirectoryUnavailable extends Error {}

const CONNECT_TIMEOUT_MS = 2000;
const OPERATION_TIMEOUT_MS = 3000;
const MAX_GROUP_ENTRIES = 500;

/** RFC 4515: a value inside a filter, with every character that means something there escaped. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\u0000]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The directory's URL as identities name it (lower case, no trailing slash). */
export function directoryIssuer(): string {
  return (getConfig().LDAP_URL ?? "").replace(/\/+$/, "").toLowerCase();
}

function client(): Client {
  return new Client({ url: getConfig().LDAP_URL ?? "", connectTimeout: CONNECT_TIMEOUT_MS, timeout: OPERATION_TIMEOUT_MS, strictDN: false });
}

/** Bind as the service account (or stay anonymous without one); a refusal means the directory is misconfigured. */
async function bindService(ldap: Client): Promise<void> {
  const c = getConfig();
  if (c.LDAP_BIND_DN) await ldap.bind(c.LDAP_BIND_DN, c.LDAP_BIND_PASSWORD ?? "");
}

function first(entry: Entry, name: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key ? entry[key] : undefined;
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === "string" && s ? s : undefined;
}

function all(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key ? entry[key] : undefined;
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((s): s is string => typeof s === "string");
}

/** The first RDN's value of a DN (`cn=wiki-admins,ou=groups,...` -> `wiki-admins`). */
function rdnValue(dn: string): string {
  const m = /^[^=]+=((?:\\.|[^,\\])*)/.exec(dn);
  return (m?.[1] ?? dn).replace(/\\(.)/g, "$1");
}

/**
 * Check a username and password against the directory: the person as the directory describes them, or null when
 * no single entry matches or the password is wrong. Throws DirectoryUnavailable when the directory does not answer.
 */
export async function ldapAuthenticate(username: string, password: string): Promise<OrgProfile | null> {
  // an empty password is an "unauthenticated bind", which directories answer with success: never a sign-in
  if (!username || !password) return null;
  const c = getConfig();
  const ldap = client();
  try {
    await bindService(ldap);
    const filter = c.LDAP_USER_FILTER.split("{username}").join(escapeFilterValue(username));
    const { searchEntries } = await ldap.search(c.LDAP_USER_BASE ?? "", {
      scope: "sub",
      filter,
      sizeLimit: 2,
      attributes: ["uid", "cn", "displayName", "mail", "entryUUID", "memberOf"],
    });
    if (searchEntries.length !== 1) return null;
    const entry = searchEntries[0]!;
    try {
      await ldap.bind(entry.dn, password);
    } catch (e) {
      if (e instanceof InvalidCredentialsError) return null;
      throw e;
    }
    // the groups, read as the service account again (a person may not be allowed to read them)
    await bindService(ldap);
    const uid = first(entry, "uid") ?? username;
    const groups = [...all(entry, "memberOf").map(rdnValue)];
    if (c.LDAP_GROUP_BASE) {
      const dn = escapeFilterValue(entry.dn);
      const { searchEntries: found } = await ldap.search(c.LDAP_GROUP_BASE, {
        scope: "sub",
        filter: `(|(member=${dn})(uniqueMember=${dn})(memberUid=${escapeFilterValue(uid)}))`,
        sizeLimit: MAX_GROUP_ENTRIES,
        attributes: ["cn"],
      });
      for (const g of found) groups.push(first(g, "cn") ?? rdnValue(g.dn));
    }
    const email = first(entry, "mail") ?? null;
    return {
      source: "ldap",
      issuer: directoryIssuer(),
      // a directory entry keeps its entryUUID through renames; without one, its DN
      subject: first(entry, "entryUUID") ?? entry.dn.toLowerCase(),
      label: entry.dn,
      preferredUsername: uid,
      displayName: first(entry, "displayName") ?? first(entry, "cn") ?? uid,
      // the directory is the organisation's own record of its people's addresses
      email,
      groups: groupNames(groups),
    };
  } catch (e) {
    throw new DirectoryUnavailable(e instanceof Error ? e.message : String(e));
  } finally {
    await ldap.unbind().catch(() => undefined);
  }
}

/** Does the directory answer (and accept the service account)? For the admin page. */
export async function probeDirectory(): Promise<{ answers: boolean; error?: string }> {
  const ldap = client();
  try {
    await bindService(ldap);
    await ldap.search(getConfig().LDAP_USER_BASE ?? "", { scope: "base", filter: "(objectClass=*)", attributes: ["dn"], sizeLimit: 1 });
    return { answers: true };
  } catch (e) {
    return { answers: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    await ldap.unbind().catch(() => undefined);
  }
}
