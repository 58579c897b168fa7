import type { Metadata } from "next";
import { SignUpForm } from "./SignUpForm";
import { hasNoAdmin } from "@/lib/auth/accounts";
import { localSignIn } from "@/lib/auth/organisation";

export const metadata: Metadata = { title: "Create account" };

export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  if (!localSignIn()) {
    return (
      <>
        <div className="page-head">
          <h1>Create an account</h1>
        </div>
        <p>
          This wiki makes accounts through your organisation: <a href="/signin">sign in</a> with your organisation&rsquo;s
          account, and yours is made the first time.
        </p>
      </>
    );
  }
  return (
    <>
      <div className="page-head">
        <h1>Create an account</h1>
      </div>
      <SignUpForm askSetupCode={await hasNoAdmin()} />
      <p className="muted">We mail you a link to confirm your address; until you follow it, you get no change emails.</p>
      <p>
        Already have one? <a href="/signin">Sign in</a>.
      </p>
    </>
  );
}
