import type { Metadata } from "next";
import { SignInForm } from "./SignInForm";

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
      <SignInForm callbackUrl={safeCallback(params.callbackUrl)} />
      <p>
        New here? <a href="/signup">Create an account</a>.
      </p>
    </>
  );
}
