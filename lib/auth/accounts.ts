import "server-only";
import { z } from "zod";
import { db, isUniqueViolation } from "@/lib/db";
import type { Role } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { hashPassword, verifyPassword } from "./passwords";

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, "3-32 characters: letters, digits, _ and -");

export const signUpSchema = z
  .object({
    username: usernameSchema,
    email: z.string().trim().max(254).email(),
    password: z.string().min(10, "at least 10 characters").max(1024),
  })
  .strict();

export type SignUpInput = z.infer<typeof signUpSchema>;

/** What the rest of the app knows about a person. */
export type PublicUser = { username: string; displayName: string; role: Role };

/**
 * Create an account. The first account on an empty wiki is an admin; the check and the insert run under one
 * lock so two simultaneous first sign-ups cannot both become admin.
 */
export async function createAccount(input: SignUpInput): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7465001)`;
      const anyone = await tx.user.findFirst({ select: { id: true } });
      const user = await tx.user.create({
        data: {
          username: input.username,
          usernameKey: input.username.toLowerCase(),
          email: input.email.toLowerCase(),
          displayName: input.username,
          passwordHash,
          role: anyone ? "editor" : "admin",
        },
        select: { username: true, displayName: true, role: true },
      });
      return user;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("conflict", "That username or email is already taken");
    throw e;
  }
}

/** Check a username and password; returns the user or null (same timing either way). */
export async function checkCredentials(username: string, password: string) {
  const user = await db().user.findUnique({
    where: { usernameKey: username.toLowerCase() },
    select: { id: true, username: true, displayName: true, role: true, passwordHash: true },
  });
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok) return null;
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
}

/** What authorisation needs to know of a person, read fresh on every request (roles and blocks change). */
export const actorSelect = { id: true, username: true, displayName: true, role: true, blocked: true } as const;

/** The current state of a signed-in user (roles can change after the session was issued). */
export async function findUserById(id: string) {
  return db().user.findUnique({ where: { id }, select: actorSelect });
}
