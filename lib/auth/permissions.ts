import { AppError } from "@/lib/errors";

// Who may do what, each rule once: a yes/no question (`can...`, with the reason when it is no) that pages and
// components ask to decide what to offer, and the throwing check (`assert...`) built on it that lib calls inside
// each change (Outline's can/authorize, the Epic Stack's userHasPermission/requirePermission). A handler does not
// assert what the lib function it calls asserts.

type Role = "reader" | "editor" | "admin";
/**
 * What a permission check needs to know of a person (read fresh from the database for every change; what a page
 * offers may ask with a reader's kept record, whose confirmed address is a yes or no).
 */
export type Actor = { role: Role | string; blocked?: boolean; emailVerified?: Date | boolean | null };
export type Protection = "none" | "editor" | "admin";

/** Why `user` may not change anything, or null when they may: blocked people may read but change nothing. */
function changeRefusal(user: Actor | null): string | null {
  if (!user) return "Sign in first";
  return user.blocked ? "Your account is blocked" : null;
}

/**
 * Why `user` may not edit a page with this protection, or null when they may. Readers edit nothing. "none":
 * every editor. "editor" (semi-protection): only editors whose address is verified, so a throw-away account cannot
 * edit it. "admin": only administrators.
 */
function editRefusal(user: Actor | null, protection: Protection): string | null {
  const refusal = changeRefusal(user);
  if (refusal || !user) return refusal;
  if (user.role === "reader") return "Your account may read but not edit pages";
  if (protection === "admin" && user.role !== "admin") return "This page is protected: only administrators may edit it";
  if (protection === "editor" && user.role !== "admin" && !user.emailVerified) {
    return "This page is semi-protected: confirm your email address (Settings) to edit it";
  }
  return null;
}

/** Why `user` is not an administrator who may act, or null when they are. */
function adminRefusal(user: Actor | null): string | null {
  const refusal = changeRefusal(user);
  if (refusal || !user) return refusal;
  return user.role === "admin" ? null : "Only administrators may do this";
}

/** Why `user` may not delete a comment (`own`: they wrote it): its author and administrators may, unless blocked. */
function commentDeleteRefusal(user: Actor | null, own: boolean): string | null {
  return own ? changeRefusal(user) : adminRefusal(user);
}

/** May this person change anything (not blocked)? */
export const canChange = (user: Actor | null) => changeRefusal(user) === null;
/** May this person edit (and so move or revert) a page with this protection? */
export const canEdit = (user: Actor | null, protection: Protection = "none") => editRefusal(user, protection) === null;
/** Why this person may not edit a page with this protection (for a page to say), or null when they may. */
export const whyNotEdit = (user: Actor | null, protection: Protection = "none") => editRefusal(user, protection);
/** Is this person an administrator who may act (delete, restore, protect, manage people)? */
export const canAdminister = (user: Actor | null) => adminRefusal(user) === null;
/** May this person delete a comment (`own`: one they wrote)? */
export const canDeleteComment = (user: Actor | null, { own }: { own: boolean }) => commentDeleteRefusal(user, own) === null;

function refuse(refusal: string | null): void {
  if (refusal) throw new AppError("forbidden", refusal);
}

/** 403 unless the person may change anything. */
export const assertNotBlocked = (user: Actor) => refuse(changeRefusal(user));
/** 403 unless the person may edit a page with this protection. */
export const assertCanEdit = (user: Actor, protection: Protection = "none") => refuse(editRefusal(user, protection));
/** 403 unless the person is an administrator who may act. */
export const assertAdmin = (user: Actor) => refuse(adminRefusal(user));
/** 403 unless the person may delete a comment (`own`: one they wrote). */
export const assertCanDeleteComment = (user: Actor, { own }: { own: boolean }) => refuse(commentDeleteRefusal(user, own));

/** A reader's kept record (role, block, whether their address is confirmed) as the rules above read a person. */
export function readerActor(reader: { role: string; blocked?: boolean; verified?: boolean } | null): Actor | null {
  return reader && { role: reader.role, blocked: reader.blocked, emailVerified: reader.verified ?? false };
}
