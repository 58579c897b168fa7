import { AppError } from "@/lib/http/errors";

type Actor = { role: "reader" | "editor" | "admin" };

/** Editors and admins may change pages; readers may not. Called inside every handler that edits. */
export function assertCanEdit(user: Actor): void {
  if (user.role === "reader") throw new AppError("forbidden", "Your account may read but not edit pages");
}
