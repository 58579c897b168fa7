import { test, after } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createAccount, checkCredentials } from "./accounts";

after(() => db().$disconnect());

const pw = "correct horse battery";

const FAR = { clientIp: "203.0.113.7" };
const HERE = { clientIp: "127.0.0.1" };

test("while there is no admin, a sign-up from elsewhere is an editor; from the machine itself, exactly one becomes admin", async () => {
  assert.equal(await db().user.count({ where: { role: "admin" } }), 0, "each test file starts on a database of its own");
  const stranger = await createAccount({ username: "passer_by", email: "passer@example.test", password: pw }, FAR);
  assert.equal(stranger.role, "editor", "the first passer-by on a public wiki does not become admin");
  const wrongCode = await createAccount({ username: "guesser", email: "guess@example.test", password: pw, setupCode: "not-the-code" }, FAR);
  assert.equal(wrongCode.role, "editor");
  const [a, b] = await Promise.all([
    createAccount({ username: "first_one", email: "first@example.test", password: pw }, HERE),
    createAccount({ username: "second_one", email: "second@example.test", password: pw }, { clientIp: "::1" }),
  ]);
  assert.deepEqual([a.role, b.role].sort(), ["admin", "editor"], "exactly one admin even when two sign up at once");
  const later = await createAccount({ username: "later_one", email: "later@example.test", password: pw }, HERE);
  assert.equal(later.role, "editor", "once there is an admin, every account is an editor");
});

test("usernames are unique ignoring case, emails too", async () => {
  await createAccount({ username: "Carol", email: "carol@example.test", password: pw }, FAR);
  await assert.rejects(
    createAccount({ username: "carol", email: "other@example.test", password: pw }, FAR),
    (e: unknown) => e instanceof AppError && e.code === "conflict",
  );
  await assert.rejects(
    createAccount({ username: "Carol2", email: "CAROL@example.test", password: pw }, FAR),
    (e: unknown) => e instanceof AppError && e.code === "conflict",
  );
});

test("passwords are stored hashed and checked", async () => {
  await createAccount({ username: "dave", email: "dave@example.test", password: pw }, FAR);
  const row = await db().user.findUniqueOrThrow({ where: { usernameKey: "dave" } });
  assert.ok(row.passwordHash?.startsWith("scrypt$"));
  assert.ok(!row.passwordHash?.includes(pw));
  assert.equal((await checkCredentials("DAVE", pw))?.username, "dave", "sign-in ignores username case");
  assert.equal(await checkCredentials("dave", "wrong password!"), null);
  assert.equal(await checkCredentials("nobody", pw), null);
});

test("a hash made with weaker scrypt parameters is replaced at the next sign-in", async () => {
  await createAccount({ username: "erin", email: "erin@example.test", password: pw }, FAR);
  const { hashPassword } = await import("./passwords");
  const { scrypt, randomBytes } = await import("node:crypto");
  const salt = randomBytes(16);
  const key = await new Promise<Buffer>((ok, no) => scrypt(pw, salt, 32, { N: 16384, r: 8, p: 1 }, (e, k) => (e ? no(e) : ok(k))));
  const old = ["scrypt", 16384, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
  await db().user.update({ where: { usernameKey: "erin" }, data: { passwordHash: old } });
  assert.equal((await checkCredentials("erin", pw))?.username, "erin", "the old hash still signs in");
  const row = await db().user.findUniqueOrThrow({ where: { usernameKey: "erin" } });
  assert.match(row.passwordHash!, /^scrypt\$131072\$8\$1\$/, "and was replaced by today's parameters");
  assert.equal((await checkCredentials("erin", pw))?.username, "erin");
  assert.ok((await hashPassword(pw)).startsWith("scrypt$131072$"));
});

test("a magic link to an unverified account takes it over: the creator's password and tokens stop working", async () => {
  const { claimAccountByEmail } = await import("./accounts");
  const { createToken, userForToken } = await import("./tokens");
  const squatter = await createAccount({ username: "squatter", email: "victim@example.test", password: pw }, FAR);
  const token = await createToken(squatter.id, {}, "session");
  assert.equal((await checkCredentials("squatter", pw))?.username, "squatter");
  await claimAccountByEmail("victim@example.test");
  assert.equal(await checkCredentials("squatter", pw), null, "the password set by whoever created the account is gone");
  assert.equal(await userForToken(token.token), null, "and so are their tokens");
});

test("a verified account keeps its password when its owner signs in by link", async () => {
  const { claimAccountByEmail } = await import("./accounts");
  const owner = await createAccount({ username: "owner", email: "owner@example.test", password: pw }, FAR);
  await db().user.update({ where: { id: owner.id }, data: { emailVerified: new Date() } });
  await claimAccountByEmail("owner@example.test");
  assert.equal((await checkCredentials("owner", pw))?.username, "owner");
});
