import { test, after } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { reloadConfig } from "@/lib/config";
import { closeTestConnections, isCode, makeUser, unique } from "@/lib/testing/factories";
import { groupsOf } from "@/lib/people/groups";
import { signInWithOrganisation, groupNames, type OrgProfile } from "./organisation";
import { disconnectIdentity, listIdentities } from "./identities";

// Signing in as an organisation (decision 0030), against the real database: how identities find, make and connect
// accounts, and how groups and roles follow the organisation at each sign-in.

Object.assign(process.env, {
  OIDC_ISSUER: "https://id.example.test/realms/acme",
  OIDC_CLIENT_ID: "vellum",
  OIDC_CLIENT_SECRET: "secret",
  OIDC_ADMIN_GROUPS: "Wiki Admins",
  OIDC_EDITOR_GROUPS: "wiki-editors",
  OIDC_DEFAULT_ROLE: "reader",
});
reloadConfig();
after(closeTestConnections);

const ISSUER = "https://id.example.test/realms/acme";

function person(overrides: Partial<OrgProfile> = {}): OrgProfile {
  const name = unique("sso").replace("-", "_");
  return {
    source: "oidc",
    issuer: ISSUER,
    subject: unique("sub"),
    label: name,
    preferredUsername: name,
    displayName: `Person ${name}`,
    email: null,
    groups: [],
    ...overrides,
  };
}

async function signIn(profile: OrgProfile, opts: Parameters<typeof signInWithOrganisation>[1] = {}) {
  const result = await signInWithOrganisation(profile, opts);
  if ("refused" in result) throw new Error(`refused: ${result.refused}`);
  return result;
}

const roleOf = async (id: string) => (await db().user.findUniqueOrThrow({ where: { id }, select: { role: true } })).role;

test("a new identity makes an account named from preferred_username, made valid and distinct; the same identity finds it again", async () => {
  const taken = await makeUser("editor");
  const first = await signIn(person({ preferredUsername: taken.username, subject: "s-1" }));
  assert.equal(first.created, true);
  assert.notEqual(first.user.id, taken.id, "never the account that holds the name");
  assert.equal(first.user.username, `${taken.username}-2`);
  const odd = await signIn(person({ preferredUsername: "Zoë Müller-Smith", subject: "s-2" }));
  assert.equal(odd.user.username, "Zoe_Muller-Smith");
  const again = await signIn(person({ preferredUsername: "someone-else-now", subject: "s-1" }));
  assert.equal(again.user.id, first.user.id, "(issuer, sub) names the account, whatever the username claim says now");
  assert.equal(again.created, false);
  const otherIssuer = await signIn(person({ issuer: "https://other.example.test", subject: "s-1" }));
  assert.notEqual(otherIssuer.user.id, first.user.id, "the same sub from another issuer is another person");
});

test("an identity is never joined to an existing account by email address, even one the provider calls verified", async () => {
  const owner = await makeUser("admin");
  const owned = await db().user.findUniqueOrThrow({ where: { id: owner.id }, select: { email: true } });
  const result = await signIn(person({ email: owned.email }));
  assert.notEqual(result.user.id, owner.id);
  assert.notEqual(result.user.email, owned.email, "the address stays its owner's");
  assert.match(result.user.email, /\.invalid$/);
  const fresh = `${unique("fresh")}@example.test`;
  const withFree = await signIn(person({ email: fresh }));
  assert.equal(withFree.user.email, fresh, "a free address the organisation vouches for is the account's, verified");
  assert.ok((await db().user.findUniqueOrThrow({ where: { id: withFree.user.id } })).emailVerified);
});

test("the first-admin rule never applies: on a wiki with no admin, an organisation account gets the role its groups give", async () => {
  await db().$executeRaw`UPDATE users SET role = 'editor' WHERE role = 'admin'`;
  const result = await signIn(person());
  assert.equal(result.user.role, "reader", "OIDC_DEFAULT_ROLE, not admin");
});

test("groups follow the claim at each sign-in: gained and lost, made when missing; Vellum's own groups are left alone", async () => {
  const p = person({ groups: groupNames(["Engineering", "/acme/ops", "bad,name"]) });
  const { user } = await signIn(p);
  assert.deepEqual(await groupsOf(user.id), ["acme-ops", "badname", "Engineering"].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  const made = await db().group.findUniqueOrThrow({ where: { nameKey: "engineering" }, select: { source: true } });
  assert.equal(made.source, "oidc", "a group the organisation named follows it");
  // an administrator's own group, and a membership in it
  const local = unique("local").replace("-", "_");
  const group = await db().group.create({ data: { name: local, nameKey: local.toLowerCase() } });
  await db().groupMember.create({ data: { groupId: group.id, userId: user.id } });
  await signIn({ ...p, groups: ["engineering"] });
  assert.deepEqual(await groupsOf(user.id), ["Engineering", local].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  await signIn({ ...p, groups: [] });
  assert.deepEqual(await groupsOf(user.id), [local], "leaving every organisation group; the administrators' group stays");
  const audit = await db().auditEntry.findMany({ where: { actor: "(oidc sign-in)", detail: { path: ["username"], equals: user.username } } });
  assert.ok(audit.some((a) => a.action === "member.remove" && a.target === "acme-ops"), "each change is in the audit log");
});

test("roles follow the groups at each sign-in for accounts the organisation made; a Vellum account is raised, never lowered", async () => {
  const p = person({ groups: ["wiki_admins"] });
  assert.equal(groupNames(["Wiki Admins"])[0], "Wiki_Admins");
  const { user } = await signIn({ ...p, groups: groupNames(["Wiki Admins"]) });
  assert.equal(user.role, "admin");
  await signIn({ ...p, groups: ["wiki-editors"] });
  assert.equal(await roleOf(user.id), "editor");
  await signIn({ ...p, groups: [] });
  assert.equal(await roleOf(user.id), "reader", "no group: OIDC_DEFAULT_ROLE");

  const local = await makeUser("admin");
  await signIn(person({ groups: [] }), { signedInAs: local.id, connectTo: local.id });
  assert.equal(await roleOf(local.id), "admin", "a local admin who connects an identity stays admin");
  const reader = await makeUser("reader");
  await signIn(person({ groups: ["wiki-editors"] }), { signedInAs: reader.id, connectTo: reader.id });
  assert.equal(await roleOf(reader.id), "editor");
});

test("linking rules: an identity joins only the account that asked to connect it; someone else's is refused either way", async () => {
  const alice = await makeUser("editor");
  const bob = await makeUser("editor");
  const hers = person();
  await signIn(hers, { signedInAs: alice.id, connectTo: alice.id });
  assert.equal((await signIn(hers)).user.id, alice.id, "connected: signing in with it is signing in as her");
  assert.deepEqual(await signInWithOrganisation(hers, { signedInAs: bob.id, connectTo: bob.id }), { refused: "IdentityTaken" });
  assert.deepEqual(await signInWithOrganisation(hers, { signedInAs: bob.id }), { refused: "SignedInAsOther" });
  assert.deepEqual(await signInWithOrganisation(person(), { signedInAs: bob.id }), { refused: "SignedInAsOther" }, "signed in, a new identity is not silently connected");
  const blocked = await makeUser("editor");
  await db().user.update({ where: { id: blocked.id }, data: { blocked: true } });
  assert.deepEqual(await signInWithOrganisation(person(), { signedInAs: blocked.id, connectTo: blocked.id }), { refused: "Blocked" });
});

test("a block holds: signing in through the organisation neither lifts it nor makes a fresh account", async () => {
  const p = person({ groups: ["wiki-editors"] });
  const { user } = await signIn(p);
  await db().user.update({ where: { id: user.id }, data: { blocked: true } });
  const again = await signIn({ ...p, groups: ["Wiki_Admins"] });
  assert.equal(again.user.id, user.id);
  assert.equal(again.user.blocked, true);
  await assert.rejects(disconnectIdentity({ ...again.user }, (await listIdentities(user.id)).identities[0]!.id), isCode("forbidden"));
});

test("disconnecting never leaves an account without a way in", async () => {
  const { user } = await signIn(person());
  const [only] = (await listIdentities(user.id)).identities;
  await assert.rejects(disconnectIdentity(user, only!.id), isCode("conflict"));
  const local = await makeUser("editor");
  await signIn(person(), { signedInAs: local.id, connectTo: local.id });
  const [theirs] = (await listIdentities(local.id)).identities;
  await assert.rejects(disconnectIdentity(user, theirs!.id), isCode("not_found"), "nobody disconnects another's identity");
  await disconnectIdentity(local, theirs!.id);
  assert.equal((await listIdentities(local.id)).identities.length, 0, "a Vellum account keeps its password and email links");
});

test("two first sign-ins of one identity at once make one account", async () => {
  const p = person();
  const [a, b] = await Promise.all([signIn(p), signIn(p)]);
  assert.equal(a.user.id, b.user.id);
  assert.equal(await db().identity.count({ where: { subject: p.subject } }), 1);
});

test("what the provider says is kept as Settings would keep it: one line of at most 64 characters, never empty", async () => {
  const odd = await signIn(person({ displayName: "Ann\u0000\n  Lee" }));
  assert.equal((await db().user.findUniqueOrThrow({ where: { id: odd.user.id } })).displayName, "Ann Lee");
  const long = await signIn(person({ displayName: "x".repeat(300) }));
  assert.equal(long.user.displayName.length, 64);
  const blank = await signIn(person({ displayName: "\u0007" }));
  assert.equal(blank.user.displayName, blank.user.username);
});
