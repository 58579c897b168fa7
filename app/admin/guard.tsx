import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { canAdminister } from "@/lib/auth/permissions";

/** The signed-in admin, or null for anyone else signed in; sends signed-out visitors to sign in first. */
export async function requireAdmin(returnTo: string) {
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return canAdminister(user) ? user : null;
}

/** What non-admins see instead of an admin page. */
export function AdminOnly({ heading }: { heading: string }) {
  return (
    <>
      <div className="page-head">
        <h1>{heading}</h1>
      </div>
      <p className="error-box" role="alert">
        Only administrators can see this page.
      </p>
    </>
  );
}
