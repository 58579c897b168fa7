import type { Metadata } from "next";
import { SignOutButton } from "./SignOutButton";

export const metadata: Metadata = { title: "Sign out" };

export default function SignOutPage() {
  return (
    <>
      <div className="page-head">
        <h1>Sign out</h1>
      </div>
      <p>Sign out of Vellum on this browser?</p>
      <SignOutButton />
    </>
  );
}
