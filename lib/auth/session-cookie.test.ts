import { test } from "node:test";
import assert from "node:assert/strict";
import { hasSessionCookie } from "./session-cookie.js";

test("session cookies are recognised whole, chunked and secure", () => {
  assert.equal(hasSessionCookie("next-auth.session-token=abc"), true);
  assert.equal(hasSessionCookie("a=1; __Secure-next-auth.session-token=abc"), true);
  assert.equal(hasSessionCookie("next-auth.session-token.0=abc; next-auth.session-token.1=def"), true);
});

test("other cookies are not a session", () => {
  assert.equal(hasSessionCookie(null), false);
  assert.equal(hasSessionCookie("next-auth.csrf-token=abc; next-auth.callback-url=x"), false);
  assert.equal(hasSessionCookie("my-next-auth.session-token=abc"), false);
  assert.equal(hasSessionCookie("x=next-auth.session-token=abc"), false);
});
