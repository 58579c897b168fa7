import "server-only";
import { z } from "zod";
import { getConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { inTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { assertNotBlocked } from "./permissions";
import { assertSignInAllowed, recordFailure } from "./rate-limit";
import { ldapConfigured, localSignIn, oidcConfigured, recordSignInError, signInWithOrganisation } from "./organisation";
import { issuerOf } from "./oidc";
import { DirectoryUnavailable, directoryIssuer, ldapAuthenticate } from "./ldap";

// The identities connected to an account, as Settings shows them (decision 0030): connect another, disconnect
// one, never leaving the account without a way in.

type Person = { id: string; username: string; role: string; blocked: boolean };

/** POST /api/users/me/identities */
export const connectSchema = z.union([
  z.object({ provider: z.literal("oidc") }).strict(),
  z.object({ provider: z.literal("ldap"), username: z.string().min(1).max(256), password: z.string().min(1).max(1024) }).strict(),
]);

/** Is this identity one the wiki can still sign someone in with (its provider configured as it was)? */
function usable(identity: { provider: string; issuer: string }): boolean {
  if (identity.provider === "oidc") return oidcConfigured() && identity.issuer === issuerOf(getConfig().OIDC_ISSUER ?? "");
  return ldapConfigured() && identity.issuer === directoryIssuer();
}

/** The person's identities and the ways in the wiki offers (Settings; GET /api/users/me/identities). */
export async function listIdentities(userId: string) {
  const [user, identities] = await Promise.all([
    db().user.findUniqueOrThrow({ where: { id: userId }, select: { origin: true, passwordHash: true } }),
    db().identity.findMany({ where: { userId }, orderBy: { id: "asc" }, take: 100 }),
  ]);
  const c = getConfig();
  return {
    identities: identities.map((i) => ({
      id: i.id,
      provider: i.provider,
      issuer: i.issuer,
      name: i.label,
      connectedAt: i.createdAt.toISOString(),
      lastSignInAt: i.lastSignInAt?.toISOString() ?? null,
      usable: usable(i),
    })),
    origin: user.origin,
    hasPassword: user.origin === "local" && user.passwordHash !== null,
    providers: {
      oidc: oidcConfigured() ? { name: c.OIDC_NAME } : null,
      ldap: ldapConfigured(),
      local: localSignIn(),
    },
  };
}

/**
 * Connect a directory identity by its username and password (behind the sign-in limits). OIDC is connected by
 * signing in with the provider after the Connect intent is set (the route sets its cookie).
 */
export async function connectDirectoryIdentity(person: Person, username: string, password: string, ip: string) {
  assertNotBlocked(person);
  if (!ldapConfigured()) throw new AppError("bad_request", "This wiki has no directory");
  const keys = await assertSignInAllowed(username, ip);
  let profile;
  try {
    profile = await ldapAuthenticate(username, password);
  } catch (e) {
    if (!(e instanceof DirectoryUnavailable)) throw e;
    await recordSignInError("ldap", `the directory did not answer: ${e.message}`);
    throw new AppError("unavailable", "The directory is not answering; try again later");
  }
  if (!profile) {
    await recordFailure(keys);
    throw new AppError("forbidden", "The directory did not accept that username and password");
  }
  const result = await signInWithOrganisation(profile, { signedInAs: person.id, connectTo: person.id });
  if ("refused" in result) throw new AppError("conflict", refusalMessage(result.refused));
  return listIdentities(person.id);
}

/** The words for an organisation sign-in's refusal. */
export function refusalMessage(reason: string): string {
  switch (reason) {
    case "IdentityTaken":
      return "That identity is already connected to another account";
    case "SignedInAsOther":
      return "You are signed in as someone else: sign out first, or connect the identity from Settings";
    case "Blocked":
      return "Your account is blocked: it cannot gain a way in";
    default:
      return "The sign-in was refused";
  }
}

/** Disconnect one of the person's identities: 404 when it is not theirs, 409 when it is their last way in. */
export async function disconnectIdentity(person: Person, id: number) {
  // a blocked person keeps every way in as it is: otherwise they could shed an identity and come back as new
  assertNotBlocked(person);
  await inTransaction(async (tx) => {
    await tx.$executeRaw`SELECT id FROM users WHERE id = ${person.id} FOR UPDATE`;
    const identity = await tx.identity.findFirst({ where: { id, userId: person.id } });
    if (!identity) throw new AppError("not_found", "No such identity on your account");
    const user = await tx.user.findUniqueOrThrow({ where: { id: person.id }, select: { origin: true } });
    const others = await tx.identity.findMany({ where: { userId: person.id, id: { not: id } }, select: { provider: true, issuer: true } });
    // a local account signs in by password or magic link while local sign-in is on
    const wayIn = (user.origin === "local" && localSignIn()) || others.some(usable);
    if (!wayIn) throw new AppError("conflict", "This is your only way to sign in: connect another before you disconnect it");
    await tx.identity.delete({ where: { id } });
  });
  return listIdentities(person.id);
}
