import { test } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import path from "node:path";
import { getConfig } from "@/lib/config";
import { getSender, mailFileName } from "./transport";

test("without SMTP_URL, messages are files only the wiki's own user can read (they hold sign-in links)", async () => {
  assert.equal(getConfig().SMTP_URL, undefined, "the integration tests run without SMTP_URL");
  const id = 900_000_000 + Math.floor(Math.random() * 1_000_000);
  await getSender()({ id, to: "someone@example.test", subject: "Sign in", text: "http://localhost/secret-link" });
  const dir = path.resolve(getConfig().MAIL_DIR);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(path.join(dir, mailFileName(id))).mode & 0o777, 0o600);
});
