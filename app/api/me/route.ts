import { route } from "@/lib/http/route";
import { AppError } from "@/lib/errors";
import { groupsOf } from "@/lib/people/groups";

/** GET /api/me: the signed-in user, or 401. */
export const GET = route({ optionalUser: true }, async ({ user }) => {
  if (!user) throw new AppError("unauthorized", "Not signed in");
  return { user: { username: user.username, displayName: user.displayName, role: user.role, groups: await groupsOf(user.id) } };
});
