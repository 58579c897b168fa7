import "server-only";
import { getServerSession } from "next-auth";
import { authOptions } from "./options";
import { findUserById } from "./accounts";

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof findUserById>>>;

export { hasSessionCookie } from "./session-cookie.js";

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

/** The session's user without a database round trip: for display only, never for authorisation. */
export async function getSessionUser(): Promise<{ id: string; username: string; role: string } | null> {
  const session = await getServerSession(authOptions);
  return session?.user?.id ? { id: session.user.id, username: session.user.username, role: session.user.role } : null;
}
