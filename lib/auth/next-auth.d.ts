import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: { id: string; username: string; role: string; blocked: boolean; name?: string | null; generation: number };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    username?: string;
    role?: string;
    /** Whether the person was blocked when the session was issued (display only). */
    blocked?: boolean;
    /** The person's session generation when the session was issued (decision 0018). */
    generation?: number;
    /** How the session began: `credentials`, `email` (a magic link), `oidc` (decision 0030). */
    method?: string;
    /** When it began (ms since the epoch). */
    signedInAt?: number;
  }
}
