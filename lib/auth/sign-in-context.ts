import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHmac, timingSafeEqual } from "node:crypto";
import { getConfig } from "@/lib/config";

// What next-auth's callbacks cannot see for themselves during an organisation's sign-in (decision 0030): who the
// browser is signed in as (a verified session, not merely a cookie next-auth can decode), and whether that person
// asked, from Settings, to connect an identity. The auth route sets it around next-auth's handler.

export type SignInContext = { sessionUserId: string | null; connectTo: string | null };

export const signInContext = new AsyncLocalStorage<SignInContext>();

/** The cookie that says "connect the identity I am about to sign in with to my account". */
export const CONNECT_COOKIE = "vellum-connect";
/** How long a Connect click stays good (the provider's sign-in screen may take a while). */
const CONNECT_SECONDS = 600;

function mac(text: string): string {
  return createHmac("sha256", `connect:${getConfig().NEXTAUTH_SECRET ?? ""}`).update(text).digest("base64url");
}

/** A Set-Cookie value for the signed-in person's Connect intent (only the auth routes receive it). */
export function connectIntentCookie(userId: string, secure: boolean): string {
  const body = `${userId}.${Date.now() + CONNECT_SECONDS * 1000}`;
  return `${CONNECT_COOKIE}=${body}.${mac(body)}; Path=/api/auth; Max-Age=${CONNECT_SECONDS}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** The Set-Cookie that ends a Connect intent. */
export function clearConnectCookie(): string {
  return `${CONNECT_COOKIE}=; Path=/api/auth; Max-Age=0; HttpOnly; SameSite=Lax`;
}

/** The person a request's Connect intent names, if it is genuine and current. */
export function connectIntentOf(cookieHeader: string | null): string | null {
  const raw = cookieHeader?.split(";").map((p) => p.trim()).find((p) => p.startsWith(`${CONNECT_COOKIE}=`));
  if (!raw) return null;
  const [userId, expires, sig] = raw.slice(CONNECT_COOKIE.length + 1).split(".");
  if (!userId || !expires || !sig || Number(expires) < Date.now()) return null;
  const want = Buffer.from(mac(`${userId}.${expires}`));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got) ? userId : null;
}
