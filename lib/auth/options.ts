import "server-only";
import type { NextAuthOptions } from "next-auth";
import type { Adapter } from "next-auth/adapters";
import CredentialsProvider from "next-auth/providers/credentials";
import EmailProvider from "next-auth/providers/email";
import { PrismaAdapter } from "@next-auth/prisma-adapter";
import { db } from "@/lib/db";
import { checkCredentials } from "./accounts";
import { clientIp, recordFailure } from "./rate-limit";
import { sendSignInLink } from "./signin-email";

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
        const user = await checkCredentials(username, password);
        if (!user) {
          const ip = clientIp(new Headers((req?.headers ?? {}) as Record<string, string>));
          await recordFailure([`user:${username.toLowerCase()}`, `ip:${ip}`]);
          return null;
        }
        return { id: user.id, name: user.displayName, username: user.username, role: user.role };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        const u = user as { username?: string; role?: string };
        token.username = u.username;
        token.role = u.role;
      }
      return token;
    },
    async session({ session, token }) {
      session.user = {
        id: token.sub ?? "",
        username: String(token.username ?? ""),
        role: String(token.role ?? ""),
        name: token.name ?? null,
      };
      return session;
    },
  },
};
