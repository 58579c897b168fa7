import "server-only";
import type { NextAuthOptions } from "next-auth";
import type { Adapter } from "next-auth/adapters";
import CredentialsProvider from "next-auth/providers/credentials";
import EmailProvider from "next-auth/providers/email";
import { PrismaAdapter } from "@next-auth/prisma-adapter";
import { db } from "@/lib/db";
import { checkCredentials, claimAccountByEmail, endSessions, sessionGenerationOf } from "./accounts";
import { assertSignInAllowed, RATE_LIMITED, recordFailure } from "./rate-limit";
import { normalizeEmail } from "./normal-forms";
import { clientIp } from "@/lib/http/client-address";
import { sendSignInLink } from "./signin-email";
import { safeReturnPath } from "@/lib/http/redirects";
import { ldapConfigured, localSignIn, oidcConfigured, recordSignInError, signInWithOrganisation, type OrgProfile } from "./organisation";
import { oidcProfile, oidcProvider, parseOidcAccountId } from "./oidc";
import { DirectoryUnavailable, ldapAuthenticate } from "./ldap";
import { signInContext } from "./sign-in-context";

/**
 * The Prisma adapter, created on first use (building the app must not need a database). next-auth wraps the
 * adapter by enumerating its methods, so each one is a real property that delegates.
 */
let adapter: Adapter | undefined;
const ADAPTER_METHODS = [
  "createUser", "getUser", "getUserByEmail", "getUserByAccount", "updateUser", "deleteUser", "linkAccount",
  "unlinkAccount", "createSession", "getSessionAndUser", "updateSession", "deleteSession",
  "createVerificationToken", "useVerificationToken",
] as const;
const lazyAdapter = Object.fromEntries(
  ADAPTER_METHODS.map((name) => [
    name,
    (...args: unknown[]) => {
      adapter ??= PrismaAdapter(db() as never);
      return (adapter[name] as (...a: unknown[]) => unknown)(...args);
    },
  ]),
) as unknown as Adapter;

/** A person as next-auth's callbacks receive them from the adapter (the jwt callback reads the extra fields). */
async function adapterUser(id: string) {
  const u = await db().user.findUnique({ where: { id }, select: { id: true, email: true, emailVerified: true, displayName: true, username: true, role: true, blocked: true } });
  return u && { id: u.id, email: u.email, emailVerified: u.emailVerified, name: u.displayName, username: u.username, role: u.role, blocked: u.blocked };
}

/**
 * The adapter, with the organisation's identities in place of next-auth's own account linking (decision 0030): the
 * `signIn` callback has already found or made the identity's account (lib/auth/organisation.ts), so here an OIDC
 * account id (issuer and subject) only names it, and next-auth never links or makes accounts itself. During an
 * organisation's sign-in, the signed-in person next-auth decodes from a cookie counts only when the session is
 * current (lib/auth/sign-in-context.ts).
 */
const vellumAdapter: Adapter = {
  ...lazyAdapter,
  async getUser(id) {
    const ctx = signInContext.getStore();
    if (ctx && ctx.sessionUserId !== id) return null;
    return (await adapterUser(id)) as never;
  },
  async getUserByAccount({ provider, providerAccountId }) {
    if (provider !== "oidc") return null;
    const key = parseOidcAccountId(providerAccountId);
    if (!key) return null;
    const identity = await db().identity.findUnique({ where: { issuer_subject: key }, select: { userId: true } });
    return identity ? ((await adapterUser(identity.userId)) as never) : null;
  },
  linkAccount() {
    throw new Error("identities are connected by lib/auth/organisation.ts, never by next-auth");
  },
};

const emailProvider = EmailProvider({
  maxAge: 15 * 60,
  // the one normal form of an address: what is limited is what is mailed (`a@b.c,1` is refused, not mailed)
  normalizeIdentifier: (identifier) => {
    const email = normalizeEmail(identifier);
    if (!email) throw new Error("Invalid email address");
    return email;
  },
  sendVerificationRequest: ({ identifier, url }) => sendSignInLink(identifier, url),
});

/** The person as a sign-in hands them to next-auth. */
function signedIn(u: { id: string; displayName: string; username: string; role: string; blocked: boolean }) {
  return { id: u.id, name: u.displayName, username: u.username, role: u.role, blocked: u.blocked };
}

/**
 * Username and password: a local account's Vellum password (unless LOCAL_SIGN_IN=off), then the directory's
 * (when LDAP_URL is set). Both behind the same sign-in limits. A directory that does not answer refuses with
 * `DirectoryUnavailable`, after a local account has had its chance.
 */
const credentialsProvider = CredentialsProvider({
  id: "credentials",
  name: "Username and password",
  credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
  async authorize(credentials, req) {
    const username = String(credentials?.username ?? "");
    const password = String(credentials?.password ?? "");
    if (!username || !password || username.length > 256 || password.length > 1024) return null;
    try {
      // limited here, inside the check, so that no body format or header gets around it (429 in the route)
      const keys = await assertSignInAllowed(username, clientIp((req?.headers ?? {}) as Record<string, string>));
      const local = localSignIn() ? await checkCredentials(username, password) : null;
      if (local) return signedIn(local);
      if (ldapConfigured()) {
        const profile = await ldapAuthenticate(username, password);
        if (profile) {
          // nobody is signed in on this path, so nothing is refused: the identity's account, or a new one
          const result = await signInWithOrganisation(profile);
          if (!("refused" in result)) return signedIn(result.user);
        }
      }
      await recordFailure(keys);
      return null;
    } catch (e) {
      // next-auth puts a thrown error's message in the URL it redirects to: only our own, never a database's
      if (e instanceof Error && e.message === RATE_LIMITED) throw e;
      if (e instanceof DirectoryUnavailable) {
        console.error("[vellum] the directory did not answer:", e.message);
        await recordSignInError("ldap", `the directory did not answer: ${e.message}`);
        throw new Error("DirectoryUnavailable");
      }
      console.error("[vellum] sign-in check failed:", e);
      throw new Error("Unavailable");
    }
  },
});

/** The providers this configuration offers (read per request: `next build` runs without the configuration). */
function providers() {
  const list = [];
  if (localSignIn()) list.push(emailProvider);
  if (localSignIn() || ldapConfigured()) list.push(credentialsProvider);
  if (oidcConfigured()) list.push(oidcProvider());
  return list;
}

/** An OIDC sign-in: the identity's account (lib/auth/organisation.ts), or where a refusal sends the browser. */
async function oidcSignIn(claims: Record<string, unknown> | undefined): Promise<true | string> {
  const ctx = signInContext.getStore() ?? { sessionUserId: null, connectTo: null };
  const connecting = Boolean(ctx.connectTo && ctx.connectTo === ctx.sessionUserId);
  const to = (reason: string) => `${connecting ? "/settings" : "/signin"}?error=${reason}`;
  const profile: OrgProfile | null = claims ? oidcProfile(claims) : null;
  if (!profile) {
    await recordSignInError("oidc", "an ID token from another issuer, or without a subject");
    return to("OAuthCallback");
  }
  const result = await signInWithOrganisation(profile, { signedInAs: ctx.sessionUserId, connectTo: connecting ? ctx.connectTo : null });
  return "refused" in result ? to(result.refused) : true;
}

/**
 * next-auth: username and password (Vellum's, or the directory's), email magic links, and OpenID Connect; JWT
 * sessions (docs/decisions/0005-sessions.md, 0030-organisation-sign-in.md). Magic-link tokens live in the
 * verification_tokens table through the Prisma adapter; links go out through the mail outbox.
 */
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  adapter: vellumAdapter,
  pages: { signIn: "/signin", verifyRequest: "/signin?sent=1", error: "/signin" },
  get providers() {
    return providers();
  },
  logger: {
    error(code, metadata) {
      console.error(`[next-auth][error][${code}]`, metadata);
      // what the admin page shows as the last sign-in error: the provider's refusals, failed token checks
      if (/OAUTH|CALLBACK/.test(code) && oidcConfigured()) {
        const m = metadata as { message?: string; error?: { message?: string } } | undefined;
        void recordSignInError("oidc", `${code}: ${m?.error?.message ?? m?.message ?? ""}`);
      }
    },
    warn(code) {
      console.warn(`[next-auth][warn][${code}]`);
    },
    debug() {},
  },
  callbacks: {
    /** After sign-in, only a path on this site (docs: lib/http/redirects.ts). */
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
      return baseUrl + safeReturnPath(path, baseUrl);
    },
    /**
     * A magic link proves the address. Used on an account whose address was never verified, it also takes the
     * account from whoever created it with that address: their password and tokens stop working. An OIDC sign-in
     * finds or makes the identity's account here, before next-auth looks it up.
     */
    async signIn({ user, account, email, profile }) {
      if (account?.provider === "oidc") return oidcSignIn(profile as Record<string, unknown> | undefined);
      if (account?.provider === "email" && !email?.verificationRequest && user.email) {
        const known = user as { emailVerified?: Date | null };
        if (!known.emailVerified) await claimAccountByEmail(user.email);
      }
      return true;
    },
    async jwt({ token, user, account }) {
      if (user) {
        const u = user as { id: string; username?: string; role?: string; blocked?: boolean };
        token.username = u.username;
        token.role = u.role;
        token.blocked = Boolean(u.blocked);
        // the generation it is issued in: bumping the person's ends this session (decision 0018)
        token.generation = (await sessionGenerationOf(u.id)) ?? -1;
        // how and when: a magic link's session may set a new password without the old one for a while
        token.method = account?.provider ?? "credentials";
        token.signedInAt = Date.now();
      }
      return token;
    },
    async session({ session, token }) {
      session.user = {
        id: token.sub ?? "",
        username: String(token.username ?? ""),
        role: String(token.role ?? ""),
        blocked: Boolean(token.blocked),
        name: token.name ?? null,
        generation: typeof token.generation === "number" ? token.generation : -1,
      };
      return session;
    },
  },
  events: {
    /** Signing out ends the session for good, even where a copy of its cookie was kept: every session of the person. */
    async signOut({ token }) {
      if (token?.sub) await endSessions(token.sub);
    },
  },
};
