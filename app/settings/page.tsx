import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { listTokens, MAX_TOKENS_PER_PERSON } from "@/lib/auth/tokens";
import { getMailSettings, getProfileOrThrow } from "@/lib/people/profiles";
import { JsonButton } from "@/app/_components/JsonButton";
import { formatDate } from "@/app/_components/format";
import { ConnectDirectoryForm, ConnectOidcButton, NewTokenForm, PasswordForm, ProfileForm } from "./SettingsForms";
import { listIdentities, refusalMessage } from "@/lib/auth/identities";
import { isPlaceholderEmail } from "@/lib/auth/normal-forms";
import { TableHead } from "@/app/_components/TableHead";
import { accessOf } from "@/lib/auth/access";

export const metadata: Metadata = { title: "Settings" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** /settings: your profile, how you sign in, how you hear about changes, and your access tokens. */
export default async function SettingsPage({ searchParams }: Props) {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=/settings");
  const params = await searchParams;
  const [profile, { tokens }, me, ways] = await Promise.all([
    getProfileOrThrow(user.username, await accessOf(user)),
    listTokens(user.id, { limit: MAX_TOKENS_PER_PERSON }), // every live token fits on one page
    getMailSettings(user.id),
    listIdentities(user.id),
  ]);
  const refused = typeof params.error === "string" ? refusalMessage(params.error) : null;
  return (
    <>
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <h2>Email address</h2>
      <p data-testid="email-state">
        {isPlaceholderEmail(me.email) ? (
          <>No address: your organisation gave none this wiki could use, so you get no change emails.</>
        ) : (
          <>
            {me.email}:{" "}
            {me.verified ? (
              <strong>verified</strong>
            ) : (
              <>
                <strong>not verified</strong>. Change emails and digests go only to a verified address.{" "}
                <JsonButton method="POST" url="/api/verify-email/send" label="Send me a confirmation link" />
              </>
            )}
          </>
        )}
      </p>
      <h2>Signing in</h2>
      {params.connected && (
        <p className="notice" role="status">
          Connected. You can now sign in with it.
        </p>
      )}
      {refused && (
        <p className="error-box" role="alert">
          {refused}
        </p>
      )}
      {ways.identities.length > 0 ? (
        <ul className="identity-list" aria-label="Connected identities">
          {ways.identities.map((i) => (
            <li key={i.id}>
              <span className="who">
                <strong>{i.provider === "oidc" ? (ways.providers.oidc?.name ?? "Single sign-on") : "Directory"}</strong>: {i.name}
                <span className="muted">
                  {" "}
                  · connected {formatDate(i.connectedAt)}
                  {i.lastSignInAt ? ` · last used ${formatDate(i.lastSignInAt)}` : ""}
                  {i.usable ? "" : " · no longer offered by this wiki"}
                </span>
              </span>
              <JsonButton method="DELETE" url={`/api/users/me/identities/${i.id}`} label={`Disconnect ${i.name}`}
                confirm={`Disconnect ${i.name}? You will no longer sign in with it.`} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No organisation account is connected.</p>
      )}
      {!user.blocked && (ways.providers.oidc || ways.providers.ldap) && (
        <>
          <p className="muted">Connect your organisation&rsquo;s account to sign in with it too.</p>
          {ways.providers.oidc && (
            <p>
              <ConnectOidcButton name={ways.providers.oidc.name} />
            </p>
          )}
          {ways.providers.ldap && <ConnectDirectoryForm />}
        </>
      )}
      {ways.origin === "local" && ways.providers.local && (
        <>
          <h3>Password</h3>
          <PasswordForm hasPassword={ways.hasPassword} />
        </>
      )}
      <h2>Profile</h2>
      <ProfileForm displayName={profile.displayName} bio={profile.bio} notify={me.notify} username={user.username} />
      <h2>Access tokens</h2>
      <p className="muted">
        For scripts and bots: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you; revoke it when it is
        no longer needed.
      </p>
      {tokens.length > 0 && (
        <div className="table-scroll">
          <table className="list">
            <TableHead columns={["Name", "Created", "Last used", "Expires", { label: "Actions", hidden: true }]} />
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{formatDate(t.createdAt)}</td>
                  <td>{t.lastUsedAt ? formatDate(t.lastUsedAt) : "never"}</td>
                  <td>{t.expiresAt ? formatDate(t.expiresAt) : "never"}</td>
                  <td>
                    <JsonButton method="DELETE" url={`/api/tokens/${encodeURIComponent(t.id)}`} label={`Revoke ${t.name}`}
                      confirm={`Revoke the token “${t.name}”? Scripts using it stop working.`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewTokenForm />
    </>
  );
}
