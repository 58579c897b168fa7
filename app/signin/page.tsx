import type { Metadata } from "next";
import { EmailSignInForm, SignInForm } from "./SignInForm";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Only paths on this site are followed after sign-in. */
function safeCallback(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\")
    ? value
    : "/wiki/Main_Page";
}

export default async function SignInPage({ searchParams }: Props) {
  const params = await searchParams;
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
      <SignInForm callbackUrl={safeCallback(params.callbackUrl)} />
      <h2>Or get a sign-in link by email</h2>
      <EmailSignInForm callbackUrl={safeCallback(params.callbackUrl)} />
      <p>
        New here? <a href="/signup">Create an account</a>.
      </p>
    </>
  );
}
