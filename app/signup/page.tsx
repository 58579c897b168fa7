import type { Metadata } from "next";
import { SignUpForm } from "./SignUpForm";
import { hasNoAdmin } from "@/lib/auth/accounts";

export const metadata: Metadata = { title: "Create account" };

export const dynamic = "force-dynamic";

export default async function SignUpPage() {
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
