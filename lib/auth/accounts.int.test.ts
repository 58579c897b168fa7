import { test, after } from "node:test";
import assert from "node:assert/strict";
import { db } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { createAccount, checkCredentials } from "./accounts";

after(() => db().$disconnect());

const pw = "correct horse battery";

test("the first account on an empty wiki is an admin; later ones are editors", async () => {
  assert.equal(await db().user.count(), 0, "this file must run first, on the fresh test database");
  const [a, b] = await Promise.all([
    createAccount({ username: "first_one", email: "first@example.test", password: pw }),
    createAccount({ username: "second_one", email: "second@example.test", password: pw }),
  ]);
  assert.deepEqual([a.role, b.role].sort(), ["admin", "editor"], "exactly one admin even when two sign up at once");
});

test("usernames are unique ignoring case, emails too", async () => {
  await createAccount({ username: "Carol", email: "carol@example.test", password: pw });
  await assert.rejects(
    createAccount({ username: "carol", email: "other@example.test", password: pw }),
    (e: unknown) => e instanceof AppError && e.code === "conflict",
  );
  await assert.rejects(
    createAccount({ username: "Carol2", email: "CAROL@example.test", password: pw }),
    (e: unknown) => e instanceof AppError && e.code === "conflict",
  );
});

test("passwords are stored hashed and checked", async () => {
  await createAccount({ username: "dave", email: "dave@example.test", password: pw });
  const row = await db().user.findUniqueOrThrow({ where: { usernameKey: "dave" } });
  assert.ok(row.passwordHash?.startsWith("scrypt$"));
  assert.ok(!row.passwordHash?.includes(pw));
  assert.equal((await checkCredentials("DAVE", pw))?.username, "dave", "sign-in ignores username case");
  assert.equal(await checkCredentials("dave", "wrong password!"), null);
  assert.equal(await checkCredentials("nobody", pw), null);
});
