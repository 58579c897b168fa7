import "server-only";
import { getServerSession } from "next-auth";
import { authOptions } from "./options";
import { findUserById } from "./accounts";

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof findUserById>>>;

/** next-auth's session cookie names (plain and, on HTTPS, __Secure-). */
export const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/** Does this request carry a session cookie at all? Cheap: lets anonymous views skip decoding. */
export function hasSessionCookie(cookieHeader: string | null): boolean {
  if (!cookieHeader) return false;
  return SESSION_COOKIES.some((name) => cookieHeader.includes(`${name}=`));
}

/** The signed-in user as the database knows them now, or null. Works in server components and route handlers. */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) return null;
  return findUserById(session.user.id);
}

/** The session's user without a database round trip: for display only, never for authorisation. */
export async function getSessionUser(): Promise<{ id: string; username: string } | null> {
  const session = await getServerSession(authOptions);
  return session?.user?.id ? { id: session.user.id, username: session.user.username } : null;
}
