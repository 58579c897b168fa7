import type { Metadata } from "next";
import { EmailSignInForm, OidcSignInButton, SignInForm } from "./SignInForm";
import { safeReturnPath } from "@/lib/http/redirects";
import { getConfig } from "@/lib/config";
import { ldapConfigured, localSignIn, oidcConfigured } from "@/lib/auth/organisation";
import { refusalMessage } from "@/lib/auth/identities";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** What a sign-in's error code (next-auth's, or the organisation sign-in's refusals) means to the person. */
function errorMessage(code: string): string {
  switch (code) {
    case "Verification":
      return "That sign-in link has expired or was already used. Ask for a new one.";
    case "DirectoryUnavailable":
      return "The directory is not answering right now, so it cannot check your password. Try again in a few minutes.";
    case "OAuthSignin":
      return "The single sign-on provider could not be reached. Try again in a few minutes.";
    case "OAuthCallback":
    case "Callback":
    case "OAuthAccountNotLinked":
      return "Single sign-on did not complete: the answer from the provider could not be verified. Start again from this page.";
    case "IdentityTaken":
    case "SignedInAsOther":
    case "Blocked":
      return refusalMessage(code);
    default:
      return "Signing in did not work. Try again.";
  }
}

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  // only paths on this site are followed after sign-in (parsed as a browser would: /%09/evil.example is refused)
  const callbackUrl = safeReturnPath(params.callbackUrl);
  const local = localSignIn();
  const directory = ldapConfigured();
  const oidcName = oidcConfigured() ? getConfig().OIDC_NAME : null;
  const error = typeof params.error === "string" ? params.error : null;
  return (
    <>
      <div className="page-head">
        <h1>Sign in</h1>
      </div>
      {params.sent && (
        <p className="notice" role="status">
          If that address belongs to an account, a sign-in link is on its way. It works once, for 15 minutes.
        </p>
      )}
      {error && !params.sent && (
        <p className="error-box" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {oidcName && (
        <div className="form-narrow sso">
          <OidcSignInButton name={oidcName} callbackUrl={callbackUrl} />
        </div>
      )}
      {(local || directory) && (
        <>
          {oidcName && <h2>{directory && !local ? "Or with your directory account" : "Or with a username and password"}</h2>}
          {directory && (
            <p className="muted">{local ? "Your directory username and password work here, as do a Vellum account's." : "Use your directory username and password."}</p>
          )}
          <SignInForm callbackUrl={callbackUrl} directory={directory} />
        </>
      )}
      {local && (
        <>
          <h2>Or get a sign-in link by email</h2>
          <EmailSignInForm callbackUrl={callbackUrl} />
          <p>
            New here? <a href="/signup">Create an account</a>. Forgot your password? Get a sign-in link, then set a new
            password in Settings.
          </p>
        </>
      )}
    </>
  );
}
