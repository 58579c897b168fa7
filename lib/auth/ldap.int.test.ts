import { test, after } from "node:test";
import assert from "node:assert/strict";
import { reloadConfig } from "@/lib/config";
import { closeTestConnections, unique } from "@/lib/testing/factories";
import { addPerson, setGroups } from "@/lib/testing/directory.mjs";
import { SERVICE_DN, SERVICE_PASSWORD, SUFFIX } from "../../scripts/lib/slapd.mjs";
import { groupsOf } from "@/lib/people/groups";
import { db } from "@/lib/db";
import { DirectoryUnavailable, escapeFilterValue, ldapAuthenticate, probeDirectory } from "./ldap";
import { signInWithOrganisation } from "./organisation";

// Directory sign-in against Debian's slapd, started by `npm test` (scripts/lib/slapd.mjs): decision 0030.

const directory = {
  LDAP_URL: process.env.TEST_LDAP_URL ?? "",
  LDAP_BIND_DN: SERVICE_DN,
  LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
  LDAP_USER_BASE: `ou=people,${SUFFIX}`,
  LDAP_GROUP_BASE: `ou=groups,${SUFFIX}`,
  LDAP_ADMIN_GROUPS: "wiki-admins",
  LDAP_EDITOR_GROUPS: "wiki-editors",
  LDAP_DEFAULT_ROLE: "reader",
};
function configure(overrides: Record<string, string | undefined> = {}) {
  for (const [k, v] of Object.entries({ ...directory, ...overrides })) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  reloadConfig();
}
configure();
after(closeTestConnections);

const PASSWORD = "directory password 1";

async function newPerson(groups: string[] = [], extra: { mail?: string; cn?: string } = {}) {
  const uid = unique("ldap");
  await addPerson({ uid, password: PASSWORD, ...extra }, groups);
  return uid;
}

test("a right password gives the person as the directory describes them, with their groups by member and memberOf", async () => {
  const uid = await newPerson(["wiki-editors", "Team Blue"], { cn: "Ada Lovelace", mail: `${unique("ada")}@example.org` });
  const profile = await ldapAuthenticate(uid, PASSWORD);
  assert.ok(profile);
  assert.equal(profile.preferredUsername, uid);
  assert.equal(profile.displayName, "Ada Lovelace");
  assert.match(profile.subject, /^[0-9a-f-]{36}$/, "the entry's entryUUID: it survives a rename");
  assert.deepEqual([...profile.groups].sort(), ["Team_Blue", "wiki-editors"]);
  // memberOf alone (no group base): the same groups, from the overlay
  configure({ LDAP_GROUP_BASE: undefined });
  try {
    assert.deepEqual([...(await ldapAuthenticate(uid, PASSWORD))!.groups].sort(), ["Team_Blue", "wiki-editors"]);
  } finally {
    configure();
  }
});

test("a wrong, empty or wildcard password, an unknown name and filter injection sign nobody in", async () => {
  const uid = await newPerson();
  assert.equal(await ldapAuthenticate(uid, "wrong password"), null);
  assert.equal(await ldapAuthenticate(uid, ""), null, "an unauthenticated bind is not a sign-in");
  assert.equal(await ldapAuthenticate(uid, "*"), null);
  assert.equal(await ldapAuthenticate("*", PASSWORD), null, "a wildcard name matches nobody");
  assert.equal(await ldapAuthenticate(`${uid})(uid=*`, PASSWORD), null);
  assert.equal(await ldapAuthenticate(`nobody-${uid}`, PASSWORD), null);
  assert.equal(escapeFilterValue("a*b(c)d\\e\u0000"), "a\\2ab\\28c\\29d\\5ce\\00");
});

test("groups and role follow the directory at each sign-in", async () => {
  const uid = await newPerson(["wiki-admins", "ops"]);
  const first = await signInWithOrganisation((await ldapAuthenticate(uid, PASSWORD))!);
  assert.ok(!("refused" in first));
  assert.equal(first.user.role, "admin");
  assert.equal(first.user.username, uid);
  assert.deepEqual(await groupsOf(first.user.id), ["ops", "wiki-admins"]);
  await setGroups(uid, ["ops"]);
  const second = await signInWithOrganisation((await ldapAuthenticate(uid, PASSWORD))!);
  assert.ok(!("refused" in second));
  assert.equal(second.user.id, first.user.id);
  assert.equal(second.user.role, "reader", "out of the admin group: LDAP_DEFAULT_ROLE");
  assert.deepEqual(await groupsOf(first.user.id), ["ops"]);
  assert.equal((await db().user.findUniqueOrThrow({ where: { id: first.user.id } })).origin, "ldap");
});

test("a directory that does not answer is unavailable, not a wrong password; the admin page's probe says so", async () => {
  assert.deepEqual(await probeDirectory(), { answers: true });
  configure({ LDAP_URL: "ldap://127.0.0.1:9" });
  try {
    await assert.rejects(ldapAuthenticate("someone", PASSWORD), DirectoryUnavailable);
    assert.equal((await probeDirectory()).answers, false);
  } finally {
    configure();
  }
  configure({ LDAP_BIND_PASSWORD: "not the service password" });
  try {
    await assert.rejects(ldapAuthenticate("someone", PASSWORD), DirectoryUnavailable, "a refused service account is a misconfiguration");
  } finally {
    configure();
  }
});
