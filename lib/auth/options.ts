import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { checkCredentials } from "./accounts";

/** next-auth: username/password sign-in with JWT sessions (docs/decisions/0005-sessions.md). */
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      id: "credentials",
      name: "Username and password",
      credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
      async authorize(credentials) {
        const username = String(credentials?.username ?? "");
        const password = String(credentials?.password ?? "");
        if (!username || !password || username.length > 64 || password.length > 1024) return null;
        const user = await checkCredentials(username, password);
        if (!user) return null;
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
      session.user = { id: token.sub ?? "", username: String(token.username ?? ""), name: token.name ?? null };
      return session;
    },
  },
};
