import type { Metadata } from "next";
import { getConfig } from "@/lib/config";
import { listPeople } from "@/lib/people/admin";
import { outboxOverview } from "@/lib/mail/outbox";
import { mailFileName } from "@/lib/mail/transport";
import { JsonButton } from "@/app/_components/JsonButton";
import { formatDate } from "@/app/_components/format";
import { ProtectForm } from "./ProtectForm";
import { ImportPanel } from "./ImportPanel";
import { listImportRuns } from "@/lib/transfer/mediawiki";
import { AdminOnly, requireAdmin } from "./guard";
import { TableHead } from "@/app/_components/TableHead";
import { Suspense } from "react";
import { SignInStatus } from "./SignInStatus";
import { isPlaceholderEmail } from "@/lib/auth/normal-forms";

export const metadata: Metadata = { title: "Administration" };

/** /admin: how people sign in, people and roles, page protection, MediaWiki imports, the mail outbox (admins only). */
export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!(await requireAdmin("/admin"))) return <AdminOnly heading="Administration" />;
  const { after } = await searchParams;
  const [{ people, next }, outbox, imports] = await Promise.all([
    listPeople({ after: typeof after === "string" ? after.slice(0, 64) : undefined }),
    outboxOverview(),
    listImportRuns(),
  ]);
  const toFiles = !getConfig().SMTP_URL;
  const mailTarget = toFiles ? `files in ${getConfig().MAIL_DIR} (SMTP_URL is not set)` : "the SMTP server in SMTP_URL";
  return (
    <>
      <div className="page-head">
        <h1>Administration</h1>
      </div>
      <p>
        <a href="/admin/access">Groups, spaces and the audit log</a> · <a href="/admin/cache">Cache statistics</a>
      </p>
      <h2>Signing in</h2>
      <Suspense fallback={<p className="muted">Asking the issuer and the directory…</p>}>
        <SignInStatus />
      </Suspense>
      <h2>People</h2>
      <div className="table-scroll">
        <table className="list">
          <TableHead columns={["Person", "Email", "Role", "Actions"]} />
          <tbody>
            {people.map((p) => (
              <tr key={p.username} data-testid={`person-${p.username}`}>
                <td>
                  <a href={`/users/${encodeURIComponent(p.username)}`}>{p.username}</a>
                  {p.blocked && <strong> (blocked)</strong>}
                  <div className="muted">joined {formatDate(p.createdAt)}</div>
                </td>
                <td>
                  {isPlaceholderEmail(p.email) ? (
                    <span className="muted">none from the organisation: gets no change mail</span>
                  ) : (
                    <>
                      {p.email}
                      <div className="muted">{p.emailVerified ? "verified" : "not verified: gets no change mail"}</div>
                    </>
                  )}
                </td>
                <td>{p.role}</td>
                <td className="actions">
                  {(["reader", "editor", "admin"] as const)
                    .filter((r) => r !== p.role)
                    .map((r) => (
                      <JsonButton key={r} method="PATCH" url={`/api/admin/users/${encodeURIComponent(p.username)}`}
                        body={{ role: r }} label={`Make ${r}`} />
                    ))}
                  <JsonButton method="PATCH" url={`/api/admin/users/${encodeURIComponent(p.username)}`}
                    body={{ blocked: !p.blocked }} label={p.blocked ? "Unblock" : "Block"} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        {after && <a href="/admin">First people</a>} {next && <a href={`/admin?after=${encodeURIComponent(next)}`}>More people</a>}
      </p>
      <h2>Page protection</h2>
      <ProtectForm />
      <h2>Import from MediaWiki</h2>
      <ImportPanel initial={imports} />
      <h2>Mail outbox</h2>
      <p>
        {outbox.counts.pending} pending · {outbox.counts.sent} sent · {outbox.counts.failed} failed. Mail goes to {mailTarget}.
      </p>
      <div className="table-scroll">
        <table className="list">
          <TableHead columns={["#", "To", "Subject", "Status", "When"]} />
          <tbody>
            {outbox.latest.map((m) => (
              <tr key={m.id}>
                <td>{m.id}</td>
                <td>{m.toAddress}</td>
                <td>{m.subject}</td>
                <td>
                  {m.status}
                  {m.attempts > 1 && ` (${m.attempts} attempts)`}
                  {m.lastError && <div className="muted">{m.lastError}</div>}
                  {m.status === "failed" && <JsonButton method="POST" url={`/api/admin/outbox/${m.id}/retry`} label="Retry" />}
                  {toFiles && m.status === "sent" && <div className="muted">{mailFileName(m.id)}</div>}
                </td>
                <td>{formatDate(m.sentAt ?? m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
