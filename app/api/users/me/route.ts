import { route } from "@/lib/http/route";
import { assertNotBlocked } from "@/lib/auth/permissions";
import { getProfileOrThrow, profileUpdateSchema, updateProfile } from "@/lib/people/profiles";

/** GET /api/users/me: your own profile. */
export const GET = route({ auth: true }, async ({ user, access }) => getProfileOrThrow(user.username, access));

/** PATCH /api/users/me {displayName?, bio?, notify?}: change your profile and mail setting. */
export const PATCH = route({ auth: true, body: profileUpdateSchema }, async ({ user, body, access }) => {
  assertNotBlocked(user);
  return updateProfile(user.id, body, access);
});
