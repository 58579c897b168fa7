import { route } from "@/lib/http/route";
import { assertNotBlocked } from "@/lib/auth/permissions";
import { sendVerificationLink } from "@/lib/auth/verification";

/** POST /api/verify-email/send: mail a new link to confirm your address (limited per address: 429). */
export const POST = route({ auth: true }, async ({ user }) => {
  assertNotBlocked(user);
  return sendVerificationLink(user.id);
});
