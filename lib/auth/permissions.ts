import { AppError } from "@/lib/errors";

type Role = "reader" | "editor" | "admin";
/** What a permission check needs to know of a person (read fresh from the database on each request). */
export type Actor = { role: Role; blocked: boolean; emailVerified?: Date | null };
export type Protection = "none" | "editor" | "admin";

/** Blocked people may read but change nothing. Called inside every state-changing handler. */
export function assertNotBlocked(user: Actor): void {
  if (user.blocked) throw new AppError("forbidden", "Your account is blocked");
}

/**
 * May this person edit a page with this protection? Readers edit nothing. "none": every editor. "editor"
 * (semi-protection): only editors whose address is verified, so a throw-away account cannot edit it. "admin":
 * only administrators.
 */
export function assertCanEdit(user: Actor, protection: Protection = "none"): void {
  assertNotBlocked(user);
  if (user.role === "reader") throw new AppError("forbidden", "Your account may read but not edit pages");
  if (protection === "admin" && user.role !== "admin") {
    throw new AppError("forbidden", "This page is protected: only administrators may edit it");
  }
  if (protection === "editor" && user.role !== "admin" && !user.emailVerified) {
    throw new AppError("forbidden", "This page is semi-protected: confirm your email address (Settings) to edit it");
  }
}

/** Administrators only. */
export function assertAdmin(user: Actor): void {
  assertNotBlocked(user);
  if (user.role !== "admin") throw new AppError("forbidden", "Only administrators may do this");
}
