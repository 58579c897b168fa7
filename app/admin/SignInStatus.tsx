import { signInStatus } from "@/lib/auth/sign-in-status";
import { formatDate } from "@/app/_components/format";

function Answers({ answers, error }: { answers: boolean; error: string | null }) {
  return answers ? <strong>answers</strong> : <strong>does not answer{error ? `: ${error}` : ""}</strong>;
}

function LastError({ lastError }: { lastError: { at: string; message: string } | null }) {
  return lastError ? (
    <div className="muted">
      Last failed sign-in, {formatDate(lastError.at)}: {lastError.message}
    </div>
  ) : (
    <div className="muted">No failed sign-in recorded.</div>
  );
}

/** How people sign in, and whether the issuer and directory answer now (streamed: the checks take a moment). */
export async function SignInStatus() {
  const s = await signInStatus();
  return (
    <ul className="status-list" data-testid="sign-in-status">
      <li>
        Vellum accounts (passwords, email links, sign-up): <strong>{s.local ? "on" : "off"}</strong>
      </li>
      {s.oidc ? (
        <li>
          Single sign-on ({s.oidc.name}), issuer <code>{s.oidc.issuer}</code>: <Answers answers={s.oidc.answers} error={s.oidc.error} />
          <LastError lastError={s.oidc.lastError} />
        </li>
      ) : (
        <li className="muted">Single sign-on: not configured (OIDC_ISSUER)</li>
      )}
      {s.ldap ? (
        <li>
          Directory <code>{s.ldap.url}</code>: <Answers answers={s.ldap.answers} error={s.ldap.error} />
          <LastError lastError={s.ldap.lastError} />
        </li>
      ) : (
        <li className="muted">Directory: not configured (LDAP_URL)</li>
      )}
    </ul>
  );
}
