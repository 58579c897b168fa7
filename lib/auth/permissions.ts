import { AppError } from "@/lib/http/errors";

type Role = "reader" | "editor" | "admin";
/** What a permission check needs to know of a person (read fresh from the database on each request). */
export type Actor = { role: Role; blocked: boolean };
export type Protection = "none" | "editor" | "admin";

/** Blocked people may read but change nothing. Called inside every state-changing handler. */
export function assertNotBlocked(user: Actor): void {
  if (user.blocked) throw new AppError("forbidden", "Your account is blocked");
}

/**
 * May this person edit a page with this protection? Readers edit nothing; editors edit pages that are
 * unprotected or protected to editors; pages protected to admins only admins edit.
 */
export function assertCanEdit(user: Actor, protection: Protection = "none"): void {
  assertNotBlocked(user);
  if (user.role === "reader") throw new AppError("forbidden", "Your account may read but not edit pages");
  if (protection === "admin" && user.role !== "admin") {
    throw new AppError("forbidden", "This page is protected: only administrators may edit it");
  }
}

/** Administrators only. */
export function assertAdmin(user: Actor): void {
  assertNotBlocked(user);
  if (user.role !== "admin") throw new AppError("forbidden", "Only administrators may do this");
}
