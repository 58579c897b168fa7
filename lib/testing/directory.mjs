// People and groups in the test directory (scripts/lib/slapd.mjs), for the integration and browser tests of
// directory sign-in: each test adds its own, named uniquely, so no test depends on another's. TEST_LDAP_URL names it.
import { Attribute, Change, Client } from "ldapts";
import { ADMIN_DN, ADMIN_PASSWORD, SERVICE_DN, SUFFIX } from "../../scripts/lib/slapd.mjs";

const url = () => {
  const u = process.env.TEST_LDAP_URL;
  if (!u) throw new Error("TEST_LDAP_URL is not set: run through npm test");
  return u;
};

async function asAdmin(fn) {
  const client = new Client({ url: url(), connectTimeout: 2000, timeout: 5000 });
  try {
    await client.bind(ADMIN_DN, ADMIN_PASSWORD);
    return await fn(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

const change = (operation, type, value) => new Change({ operation, modification: new Attribute({ type, values: [value] }) });

export const personDn = (uid) => `uid=${uid},ou=people,${SUFFIX}`;
export const groupDn = (cn) => `cn=${cn},ou=groups,${SUFFIX}`;

/**
 * Add a person with a password (and a name and address), in `groups` (made when missing).
 * @param {{ uid: string, password: string, cn?: string, mail?: string }} person
 * @param {string[]} [groups]
 */
export async function addPerson({ uid, password, cn = uid, mail }, groups = []) {
  await asAdmin(async (c) => {
    await c.add(personDn(uid), {
      objectClass: ["inetOrgPerson"],
      uid,
      cn,
      sn: cn,
      userPassword: password,
      ...(mail ? { mail } : {}),
    });
  });
  await setGroups(uid, groups);
}

/**
 * Make the person's groups exactly `groups` among the groups they could be in (those named here or before).
 * @param {string} uid
 * @param {string[]} groups
 */
export async function setGroups(uid, groups) {
  await asAdmin(async (c) => {
    const dn = personDn(uid);
    const { searchEntries } = await c.search(`ou=groups,${SUFFIX}`, { scope: "one", filter: `(member=${dn})`, attributes: ["cn"] });
    for (const g of searchEntries) {
      if (groups.includes(String(g.cn))) continue;
      await c.modify(g.dn, change("delete", "member", dn));
    }
    for (const cn of groups) {
      if (searchEntries.some((g) => String(g.cn) === cn)) continue;
      try {
        await c.modify(groupDn(cn), change("add", "member", dn));
      } catch {
        // a groupOfNames must have a member: the service account stays in each, so none is ever left empty
        await c.add(groupDn(cn), { objectClass: "groupOfNames", cn, member: [SERVICE_DN, dn] });
      }
    }
  });
}

/**
 * Change a person's password in the directory.
 * @param {string} uid
 * @param {string} password
 */
export async function setPassword(uid, password) {
  await asAdmin((c) => c.modify(personDn(uid), change("replace", "userPassword", password)));
}
