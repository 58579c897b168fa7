import "server-only";
import { z } from "zod";
import { encode, getToken, type JWT } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "./passwords";
import { assertSignInAllowed, recordFailure } from "./rate-limit";
import { localSignIn } from "./organisation";

// Changing a password, and setting one after a magic link (the way back from a forgotten password): decision 0030.

/** POST /api/users/me/password */
export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().max(1024).optional(),
    newPassword: z.string().min(10, "at least 10 characters").max(1024),
  })
  .strict();

/** How long after a magic link its session may set a password without the old one. */
export const MAGIC_LINK_GRACE_MS = 15 * 60 * 1000;
/** A session lives this long (as lib/auth/options.ts issues them). */
const SESSION_SECONDS = 30 * 24 * 60 * 60;

type Person = { id: string; username: string };

/**
 * Set a new password: with the current one, or without it within 15 minutes of a magic-link sign-in (`session`
 * says how the session began). Every session of the person ends; the caller's own goes on with a new cookie
 * (returned as Set-Cookie values). A wrong current password counts against the sign-in limits.
 */
export async function changePassword(
  person: Person,
  input: z.infer<typeof passwordChangeSchema>,
  { req, via, ip }: { req: NextRequest; via: "session" | "token"; ip: string },
): Promise<{ cookies: string[] }> {
  const user = await db().user.findUniqueOrThrow({ where: { id: person.id }, select: { passwordHash: true, origin: true } });
  if (user.origin !== "local") {
    throw new AppError("bad_request", "This account signs in through the organisation (single sign-on or the directory): it has no Vellum password");
  }
  if (!localSignIn()) throw new AppError("forbidden", "This wiki signs people in through the organisation only: it keeps no passwords");
  const token = via === "session" ? await getToken({ req, secret: getConfig().NEXTAUTH_SECRET }) : null;
  const byMagicLink = token?.method === "email" && typeof token.signedInAt === "number" && Date.now() - token.signedInAt < MAGIC_LINK_GRACE_MS;
  if (input.currentPassword === undefined) {
    if (!byMagicLink) throw new AppError("bad_request", "Give your current password, or sign in with a magic link to set a new one");
  } else {
    const keys = await assertSignInAllowed(person.username, ip);
    if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
      await recordFailure(keys);
      throw new AppError("forbidden", "The current password is wrong");
    }
  }
  const passwordHash = await hashPassword(input.newPassword);
  const updated = await db().user.update({
    where: { id: person.id },
    data: { passwordHash, sessionGeneration: { increment: 1 } },
    select: { sessionGeneration: true },
  });
  return { cookies: token ? await renewedSession(req, token, updated.sessionGeneration) : [] };
}

/** The caller's session, issued again in the person's new generation (so only the other sessions end). */
async function renewedSession(req: NextRequest, token: JWT, generation: number): Promise<string[]> {
  const secure = req.cookies.getAll().some((c) => c.name.startsWith("__Secure-next-auth.session-token"));
  const name = `${secure ? "__Secure-" : ""}next-auth.session-token`;
  const value = await encode({
    token: { ...token, generation, method: "credentials", signedInAt: Date.now() },
    secret: getConfig().NEXTAUTH_SECRET ?? "",
    maxAge: SESSION_SECONDS,
  });
  const expires = new Date(Date.now() + SESSION_SECONDS * 1000).toUTCString();
  const cookies = [`${name}=${value}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`];
  // a session cookie kept in chunks: the chunks go, the whole one replaces them
  for (const c of req.cookies.getAll()) if (/next-auth\.session-token\.\d+$/.test(c.name)) cookies.push(`${c.name}=; Path=/; Max-Age=0`);
  return cookies;
}
