import { route } from "@/lib/http/route";
import { verifyEmail, verifyEmailSchema } from "@/lib/auth/verification";

/** POST /api/verify-email {token}: confirm an address with the link's token (the token is the credential). */
export const POST = route({ body: verifyEmailSchema }, async ({ body }) => ({ verified: true, ...(await verifyEmail(body.token)) }));
