import type { Metadata } from "next";
import { SignUpForm } from "./SignUpForm";

export const metadata: Metadata = { title: "Create account" };

export default function SignUpPage() {
  return (
    <>
      <div className="page-head">
        <h1>Create an account</h1>
      </div>
      <SignUpForm />
      <p>
        Already have one? <a href="/signin">Sign in</a>.
      </p>
    </>
  );
}
