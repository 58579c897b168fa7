import { test, after } from "node:test";
import assert from "node:assert/strict";
import { NextRequest } from "next/server";
import { z } from "zod";
import { createToken, revokeToken } from "@/lib/auth/tokens";
import { AppError } from "@/lib/errors";
import { closeTestConnections, makeUser } from "@/lib/testing/factories";
import { route } from "./route";
import { MAX_BODY_BYTES } from "./front-rules";

// route(), the wrapper every /api handler goes through: origin check, bearer tokens, bodies read with a limit
// and validated, and errors mapped to the contract's statuses. Against the real database (tokens).
after(closeTestConnections);

const SITE = "http://localhost:3000"; // the canonical origin when NEXTAUTH_URL is unset
const schema = z.object({ text: z.string().max(100) }).strict();
const echo = route({ body: schema, optionalUser: true }, async ({ body, user, via }) => ({ text: body.text, user: user?.username ?? null, via }));
const call = (handler: ReturnType<typeof route>, init: RequestInit & { path?: string } = {}) =>
  handler(new NextRequest(`${SITE}${init.path ?? "/api/test"}`, { method: "POST", ...init, ...(init.body ? { duplex: "half" } : {}) } as never), {});
const jsonBody = async (res: Response) => (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown>;

test("origin: a cookie-authenticated change from a foreign origin is 403 before anything runs; scripts without one pass", async () => {
  let ran = false;
  const handler = route({}, async () => ((ran = true), { ok: true }));
  const cookie = "next-auth.session-token=anything";
  for (const origin of ["https://evil.example", "http://localhost:3001", "https://localhost:3000", "null"]) {
    const res = await call(handler, { headers: { cookie, origin } });
    assert.equal(res.status, 403, origin);
    assert.equal((await jsonBody(res)).error?.code, "forbidden");
  }
  assert.equal((await call(handler, { headers: { cookie } })).status, 403, "a session needs an Origin or Referer");
  assert.equal(ran, false);
  assert.equal((await call(handler, { headers: { origin: "https://evil.example" } })).status, 403, "a foreign Origin, whoever sends it");
  assert.equal((await call(handler)).status, 200, "no session, no Origin: a script");
  assert.equal((await call(handler, { headers: { origin: SITE } })).status, 200);
  assert.equal((await call(handler, { method: "GET", headers: { cookie, origin: "https://evil.example" } })).status, 200, "reads are not checked");
});

test("bearer tokens: unknown, malformed or revoked are 401; a live one is its person, exempt from the origin check", async () => {
  const person = await makeUser("editor");
  const { token, id } = await createToken(person.id, { name: "test" }, "session");
  const body = JSON.stringify({ text: "hi" });
  for (const authorization of ["Bearer vlm_unknown", "Bearer", "Bearer a b", "Bearer " + "x".repeat(300)]) {
    assert.equal((await call(echo, { headers: { authorization }, body })).status, 401, authorization.slice(0, 30));
  }
  const res = await call(echo, { headers: { authorization: `Bearer ${token}`, origin: "https://evil.example" }, body });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { text: "hi", user: person.username, via: "token" });
  await revokeToken(person.id, id);
  assert.equal((await call(echo, { headers: { authorization: `Bearer ${token}` }, body })).status, 401, "revoked");
  const required = route({ auth: true }, async () => ({}));
  assert.equal((await call(required)).status, 401, "auth: true without any credential");
});

test("bodies: over the limit is 413 whether declared or streamed; bad JSON, unknown fields and unstorable text are 400", async () => {
  const declared = await call(echo, { headers: { "content-length": String(MAX_BODY_BYTES + 1) }, body: "{}" });
  assert.equal(declared.status, 413);
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      const chunk = new Uint8Array(1024 * 1024).fill(32);
      for (let i = 0; i < 9; i++) controller.enqueue(chunk);
      controller.close();
    },
  });
  assert.equal((await call(echo, { body: chunks })).status, 413, "streamed past the limit");
  for (const [raw, why] of [
    ["{not json", "not JSON"],
    [JSON.stringify({ text: "hi", role: "admin" }), "an unknown field"],
    [JSON.stringify({ text: 5 }), "a wrong type"],
    [JSON.stringify({ text: "a\u0000b" }), "NUL"],
    [JSON.stringify({ text: "a\ud800b" }), "an unpaired surrogate"],
    [JSON.stringify({ text: "ok", "\u0000": 1 }), "NUL in a name"],
  ] as const) {
    const res = await call(echo, { body: raw });
    assert.equal(res.status, 400, why);
    assert.equal((await jsonBody(res)).error?.code, "bad_request");
  }
  const unknown = await jsonBody(await call(echo, { body: JSON.stringify({ text: "hi", role: "admin" }) }));
  assert.match(unknown.error!.message, /role/, "the message names the field");
});

test("errors: AppErrors keep their status and details; anything else is a generic 500; a database timeout is a 503", async () => {
  const conflict = route({}, async () => {
    throw new AppError("edit_conflict", "Someone saved first", { current: { revisionId: 7 } });
  });
  const res = await call(conflict);
  assert.equal(res.status, 409);
  const body = await jsonBody(res);
  assert.equal(body.error?.code, "edit_conflict");
  assert.deepEqual(body.current, { revisionId: 7 }, "details at the top level too");
  const leaky = route({}, async () => {
    throw new Error('relation "users" password_hash SELECT secret');
  });
  const original = console.error;
  console.error = () => {}; // the 500's log line is expected here
  try {
    const crashed = await call(leaky);
    assert.equal(crashed.status, 500);
    const text = JSON.stringify(await crashed.json());
    assert.match(text, /"code":"internal"/);
    assert.doesNotMatch(text, /secret|password_hash|SELECT/, "no internals in the answer");
    const slow = route({}, async () => {
      throw Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" });
    });
    const timedOut = await call(slow);
    assert.equal(timedOut.status, 503);
    assert.equal((await jsonBody(timedOut)).error?.code, "unavailable");
  } finally {
    console.error = original;
  }
});
