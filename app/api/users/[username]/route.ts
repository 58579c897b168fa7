import { route } from "@/lib/http/route";
import { getProfileOrThrow } from "@/lib/people/profiles";

/** GET /api/users/{username}: a public profile. */
export const GET = route({}, async ({ params, access }) => {
  const { bio, bioHtml, ...rest } = await getProfileOrThrow(String(params.username), access);
  return { ...rest, bio, bioHtml };
});
