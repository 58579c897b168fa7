import type { Metadata } from "next";
import { VerifyEmailButton } from "./VerifyEmailButton";

export const metadata: Metadata = { title: "Confirm your address" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * /verify-email?token=: the page a verification link opens. Confirming takes a click (a POST), so a mail scanner
 * that merely fetches links confirms nothing on the owner's behalf.
 */
export default async function VerifyEmailPage({ searchParams }: Props) {
  const { token } = await searchParams;
  return (
    <>
      <div className="page-head">
        <h1>Confirm your address</h1>
      </div>
      {typeof token === "string" && token ? (
        <VerifyEmailButton token={token} />
      ) : (
        <p className="error-box">This link is incomplete. Open the link from the message again, or ask for a new one in Settings.</p>
      )}
    </>
  );
}
