import "server-only";
import { getConfig } from "@/lib/config";
import { lastSignInErrors, ldapConfigured, localSignIn, oidcConfigured } from "./organisation";
import { issuerOf, probeIssuer } from "./oidc";
import { directoryIssuer, probeDirectory } from "./ldap";

/**
 * How people sign in here, for the admin page: the local ways, and for the issuer and the directory whether they
 * answer now (asked with a deadline of a few seconds each, both at once) and their last failed sign-in.
 */
export async function signInStatus() {
  const c = getConfig();
  const [oidc, ldap, errors] = await Promise.all([
    oidcConfigured() ? probeIssuer() : null,
    ldapConfigured() ? probeDirectory() : null,
    lastSignInErrors(),
  ]);
  return {
    local: localSignIn(),
    oidc: oidc && {
      issuer: issuerOf(c.OIDC_ISSUER ?? ""),
      name: c.OIDC_NAME,
      answers: oidc.answers,
      error: oidc.error ?? null,
      lastError: errors.oidc ?? null,
    },
    ldap: ldap && { url: directoryIssuer(), answers: ldap.answers, error: ldap.error ?? null, lastError: errors.ldap ?? null },
    checkedAt: new Date().toISOString(),
  };
}
