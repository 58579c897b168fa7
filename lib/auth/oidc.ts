import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import { getConfig } from "@/lib/config";
import { groupNames, type OrgProfile } from "./organisation";

// OpenID Connect through next-auth's OAuth provider (decision 0030): discovery, the authorization code flow with
// PKCE, state and nonce, and the ID token's signature, issuer, audience and expiry checked by openid-client. The
// profile is the ID token's claims, with what the userinfo endpoint adds (groups, often) when it names the same
// subject.

/** How long one call to the provider may take (discovery, token, userinfo). */
const PROVIDER_TIMEOUT_MS = 5000;

type Claims = Record<string, unknown> & { iss?: string; sub?: string };

/** An issuer as configured, without a trailing slash (how identities store it and tokens are compared). */
export function issuerOf(value: string): string {
  return value.replace(/\/+$/, "");
}

/** The identity key next-auth carries as the account id: issuer and subject (docs: the adapter in options.ts). */
export function oidcAccountId(iss: string, sub: string): string {
  return JSON.stringify([issuerOf(iss), sub]);
}

export function parseOidcAccountId(id: string): { issuer: string; subject: string } | null {
  try {
    const v = JSON.parse(id) as unknown;
    return Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string" ? { issuer: v[0], subject: v[1] } : null;
  } catch {
    return null;
  }
}

/** Where the configured issuer's discovery document is. */
function discoveryUrl(): string {
  return `${issuerOf(getConfig().OIDC_ISSUER ?? "")}/.well-known/openid-configuration`;
}

/** The issuer's discovery document, within `timeoutMs`; throws when it does not answer it (or answers an error). */
async function discoveryDocument(timeoutMs: number): Promise<{ issuer?: unknown; scopes_supported?: unknown }> {
  const res = await fetch(discoveryUrl(), { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
  if (!res.ok) throw new Error(`discovery answered ${res.status}`);
  return (await res.json()) as { issuer?: unknown; scopes_supported?: unknown };
}

/** The scopes a sign-in asks for without OIDC_SCOPES. */
const BASE_SCOPES = "openid profile email";

/** The scopes the issuer's discovery document lists, once read (learnIssuerScopes); null before. */
let issuerScopes: string[] | null = null;

/**
 * Read the scopes the issuer offers, once (again after a failure): the sign-in's start awaits it, so the groups
 * claim's scope is asked for wherever the provider has one by that name (oidc-provider, Authentik, Keycloak with a
 * `groups` client scope) and never where it would be refused as unknown (Google, Entra ID).
 */
export async function learnIssuerScopes(): Promise<void> {
  if (issuerScopes || getConfig().OIDC_SCOPES) return;
  try {
    const doc = await discoveryDocument(PROVIDER_TIMEOUT_MS);
    issuerScopes = Array.isArray(doc.scopes_supported) ? doc.scopes_supported.filter((x): x is string => typeof x === "string") : [];
  } catch {
    // not now: next-auth's own discovery fails the same way and says so; the next sign-in asks again
  }
}

/** OIDC_SCOPES, else the base scopes and the groups claim's scope when the issuer lists one. */
export function oidcScopes(): string {
  const c = getConfig();
  if (c.OIDC_SCOPES) return c.OIDC_SCOPES;
  return issuerScopes?.includes(c.OIDC_GROUPS_CLAIM) ? `${BASE_SCOPES} ${c.OIDC_GROUPS_CLAIM}` : BASE_SCOPES;
}

/** next-auth's provider `oidc`, from OIDC_* (call only when configured). */
export function oidcProvider(): OAuthConfig<Claims> {
  const c = getConfig();
  return {
    id: "oidc",
    name: c.OIDC_NAME,
    type: "oauth",
    wellKnown: discoveryUrl(),
    clientId: c.OIDC_CLIENT_ID,
    clientSecret: c.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: oidcScopes() } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    httpOptions: { timeout: PROVIDER_TIMEOUT_MS },
    userinfo: {
      // the ID token's claims (checked by openid-client), plus what userinfo adds for the same subject
      async request({ tokens, client }) {
        // at run time openid-client's TokenSet, whose ID token it has checked
        const set = tokens as unknown as { claims(): Claims; access_token?: string };
        const claims = set.claims();
        if (!client.issuer.metadata.userinfo_endpoint || !set.access_token) return claims;
        try {
          // openid-client refuses an answer whose sub is not the ID token's
          const more = (await client.userinfo(set as never)) as Claims;
          return { ...more, ...claims, [c.OIDC_GROUPS_CLAIM]: claims[c.OIDC_GROUPS_CLAIM] ?? more[c.OIDC_GROUPS_CLAIM] };
        } catch (e) {
          console.error("[vellum] OIDC userinfo failed; using the ID token's claims alone:", e instanceof Error ? e.message : e);
          return claims;
        }
      },
    },
    profile(claims) {
      return { id: oidcAccountId(String(claims.iss ?? ""), String(claims.sub ?? "")), name: stringClaim(claims, "name") ?? null, email: null, image: null };
    },
  };
}

function stringClaim(claims: Claims, name: string): string | undefined {
  const v = claims[name];
  return typeof v === "string" && v.length <= 1000 ? v : undefined;
}

/** What the organisation says, from a verified ID token's claims (and userinfo's); null for another issuer. */
export function oidcProfile(claims: Claims): OrgProfile | null {
  const c = getConfig();
  const iss = typeof claims.iss === "string" ? issuerOf(claims.iss) : "";
  const sub = typeof claims.sub === "string" ? claims.sub : "";
  if (!iss || iss !== issuerOf(c.OIDC_ISSUER ?? "") || !sub || sub.length > 255) return null;
  const email = claims.email_verified === true ? (stringClaim(claims, "email") ?? null) : null;
  const preferred = stringClaim(claims, "preferred_username") ?? stringClaim(claims, "nickname") ?? (email ? email.split("@")[0] : undefined);
  const name = stringClaim(claims, "name") ?? preferred ?? "";
  return {
    source: "oidc",
    issuer: iss,
    subject: sub,
    label: stringClaim(claims, "preferred_username") ?? stringClaim(claims, "email") ?? sub,
    preferredUsername: preferred ?? name,
    displayName: name,
    email,
    groups: groupNames(claims[c.OIDC_GROUPS_CLAIM]),
  };
}

/** Does the issuer answer its discovery document, naming itself (the admin page)? */
export async function probeIssuer(): Promise<{ answers: boolean; error?: string }> {
  const issuer = issuerOf(getConfig().OIDC_ISSUER ?? "");
  try {
    const doc = await discoveryDocument(3000);
    if (typeof doc.issuer !== "string" || issuerOf(doc.issuer) !== issuer) return { answers: false, error: `discovery names another issuer: ${String(doc.issuer).slice(0, 200)}` };
    return { answers: true };
  } catch (e) {
    return { answers: false, error: e instanceof Error ? e.message : String(e) };
  }
}
