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

/**
 * The session's user without a database round trip, as they were when the session was issued (a block ends every
 * session, so a live one was issued after any block): for deciding what to offer only, never for authorisation.
 */
export async function getSessionUser(): Promise<{ id: string; username: string; role: string; blocked: boolean } | null> {
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) return null;
  const { id, username, role, blocked } = session.user;
  return { id, username, role, blocked };
}
