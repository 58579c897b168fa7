import type { Metadata } from "next";
import { EmailSignInForm, SignInForm } from "./SignInForm";
import { safeReturnPath } from "@/lib/http/redirects";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };


export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
  // only paths on this site are followed after sign-in (parsed as a browser would: /%09/evil.example is refused)
  const callbackUrl = safeReturnPath(params.callbackUrl);
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
      {params.error && !params.sent && (
        <p className="error-box" role="alert">
          {params.error === "Verification"
            ? "That sign-in link has expired or was already used. Ask for a new one."
            : "Signing in did not work. Try again."}
        </p>
      )}
      <SignInForm callbackUrl={callbackUrl} />
      <h2>Or get a sign-in link by email</h2>
      <EmailSignInForm callbackUrl={callbackUrl} />
      <p>
        New here? <a href="/signup">Create an account</a>.
      </p>
    </>
  );
}
