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

/**
 * next-auth: username/password and email magic links, JWT sessions (docs/decisions/0005-sessions.md). Magic-link
 * tokens live in the verification_tokens table through the Prisma adapter; links go out through the mail outbox.
 */
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  adapter: lazyAdapter,
  pages: { signIn: "/signin", verifyRequest: "/signin?sent=1", error: "/signin" },
  providers: [
    EmailProvider({
      maxAge: 15 * 60,
      // the one normal form of an address: what is limited is what is mailed (`a@b.c,1` is refused, not mailed)
      normalizeIdentifier: (identifier) => {
        const email = normalizeEmail(identifier);
        if (!email) throw new Error("Invalid email address");
        return email;
      },
      sendVerificationRequest: ({ identifier, url }) => sendSignInLink(identifier, url),
    }),
    CredentialsProvider({
      id: "credentials",
      name: "Username and password",
      credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const username = String(credentials?.username ?? "");
        const password = String(credentials?.password ?? "");
        if (!username || !password || username.length > 64 || password.length > 1024) return null;
        try {
          // limited here, inside the check, so that no body format or header gets around it (429 in the route)
          const keys = await assertSignInAllowed(username, clientIp((req?.headers ?? {}) as Record<string, string>));
          const user = await checkCredentials(username, password);
          if (!user) {
            await recordFailure(keys);
            return null;
          }
          return { id: user.id, name: user.displayName, username: user.username, role: user.role, blocked: user.blocked };
        } catch (e) {
          // next-auth puts a thrown error's message in the URL it redirects to: only our own, never a database's
          if (e instanceof Error && e.message === RATE_LIMITED) throw e;
          console.error("[vellum] sign-in check failed:", e);
          throw new Error("Unavailable");
        }
      },
    }),
  ],
  callbacks: {
    /** After sign-in, only a path on this site (docs: lib/http/redirects.ts). */
    redirect({ url, baseUrl }) {
      const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
      return baseUrl + safeReturnPath(path, baseUrl);
    },
    /**
     * A magic link proves the address. Used on an account whose address was never verified, it also takes the
     * account from whoever created it with that address: their password and tokens stop working.
     */
    async signIn({ user, account, email }) {
      if (account?.provider === "email" && !email?.verificationRequest && user.email) {
        const known = user as { emailVerified?: Date | null };
        if (!known.emailVerified) await claimAccountByEmail(user.email);
      }
      return true;
    },
    async jwt({ token, user }) {
      if (user) {
        const u = user as { id: string; username?: string; role?: string; blocked?: boolean };
        token.username = u.username;
        token.role = u.role;
        token.blocked = Boolean(u.blocked);
        // the generation it is issued in: bumping the person's ends this session (decision 0018)
        token.generation = (await sessionGenerationOf(u.id)) ?? -1;
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
