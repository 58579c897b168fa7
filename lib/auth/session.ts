import "server-only";
import { getServerSession } from "next-auth";
import { authOptions } from "./options";
import { headers } from "next/headers";
import { findUserById } from "./accounts";
import { hasSessionCookie } from "./session-cookie.js";
import { readerOf } from "./session-reader";
import { accessOf, type Access } from "./access";

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof findUserById>>>;

export { hasSessionCookie };

/**
 * The signed-in user as the database knows them now, or null. Works in server components and route handlers. A
 * session issued before the person's sessions were ended (sign-out, a claim of the account, a block) is no
 * session: its generation is older than the person's (decision 0018).
 */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) return null;
  const user = await findUserById(session.user.id);
  return user && user.sessionGeneration === session.user.generation ? user : null;
}

/**
 * Who the session names, as their record says now, for deciding what to offer (never for authorisation): read
 * through `readerOf`, which keeps the record in memory until its notice, so it costs no query on most requests
 * and agrees with what the front fills into kept documents. An ended or invalid session is nobody.
 */
export async function getSessionUser(): Promise<{ id: string; username: string; role: string; blocked: boolean; verified: boolean } | null> {
  const cookie = (await headers()).get("cookie");
  if (!hasSessionCookie(cookie)) return null;
  const who = await readerOf(cookie ?? undefined);
  return who ? who.reader : null;
}

/** The session's reader (as `getSessionUser`) and what they may read (decision 0029): for pages and feeds. */
export async function getSessionAccess(): Promise<{ user: Awaited<ReturnType<typeof getSessionUser>>; access: Access }> {
  const user = await getSessionUser();
  return { user, access: await accessOf(user) };
}

/** What the session's reader may read (decision 0029). */
export async function readerAccess(): Promise<Access> {
  return (await getSessionAccess()).access;
}
