import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "@/lib/errors";
import {
  assertAdmin, assertCanDeleteComment, assertCanEdit, assertNotBlocked, canAdminister, canChange, canDeleteComment, canEdit,
  type Actor,
} from "./permissions";

const verified = new Date();
const reader: Actor = { role: "reader", blocked: false, emailVerified: verified };
const editor: Actor = { role: "editor", blocked: false, emailVerified: verified };
const newcomer: Actor = { role: "editor", blocked: false, emailVerified: null };
const admin: Actor = { role: "admin", blocked: false, emailVerified: null };
const blockedEditor: Actor = { ...editor, blocked: true };
const blockedAdmin: Actor = { ...admin, blocked: true };

const forbidden = (fn: () => void) => assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === "forbidden");

test("editing: readers never, editors unless protected, semi-protection wants a verified address, admins always", () => {
  assert.equal(canEdit(null), false);
  assert.equal(canEdit(reader), false);
  assert.equal(canEdit(editor), true);
  assert.equal(canEdit(editor, "editor"), true);
  assert.equal(canEdit(newcomer, "editor"), false);
  assert.equal(canEdit(editor, "admin"), false);
  assert.equal(canEdit(admin, "admin"), true);
  assert.equal(canEdit(admin, "editor"), true, "admins need no verified address");
  assert.equal(canEdit(blockedEditor), false);
  assert.equal(canEdit(blockedAdmin, "none"), false);
});

test("administering: admins who are not blocked", () => {
  assert.deepEqual([admin, blockedAdmin, editor, reader, null].map(canAdminister), [true, false, false, false, false]);
  assert.deepEqual([admin, blockedAdmin, editor, reader, null].map(canChange), [true, false, true, true, false]);
});

test("deleting a comment: its author or an admin, never a blocked one (the talk page asks the same rule)", () => {
  assert.equal(canDeleteComment(editor, { own: true }), true);
  assert.equal(canDeleteComment(editor, { own: false }), false);
  assert.equal(canDeleteComment(admin, { own: false }), true);
  assert.equal(canDeleteComment(blockedEditor, { own: true }), false, "a blocked author");
  assert.equal(canDeleteComment(blockedAdmin, { own: false }), false, "a blocked admin");
  assert.equal(canDeleteComment(null, { own: false }), false);
});

test("each assert throws 403 exactly when its question says no, with the reason", () => {
  for (const user of [reader, editor, newcomer, admin, blockedEditor, blockedAdmin]) {
    for (const protection of ["none", "editor", "admin"] as const) {
      if (canEdit(user, protection)) assertCanEdit(user, protection);
      else forbidden(() => assertCanEdit(user, protection));
    }
    if (canAdminister(user)) assertAdmin(user);
    else forbidden(() => assertAdmin(user));
    if (canChange(user)) assertNotBlocked(user);
    else forbidden(() => assertNotBlocked(user));
    for (const own of [true, false]) {
      if (canDeleteComment(user, { own })) assertCanDeleteComment(user, { own });
      else forbidden(() => assertCanDeleteComment(user, { own }));
    }
  }
  assert.throws(() => assertCanEdit(newcomer, "editor"), /confirm your email address/);
  assert.throws(() => assertCanEdit(blockedEditor), /blocked/);
});
