import type { Metadata } from "next";
import { listGroups } from "@/lib/people/groups";
import { listSpaces } from "@/lib/people/spaces";
import { listAudit } from "@/lib/people/audit";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { JsonButton } from "@/app/_components/JsonButton";
import { TableHead } from "@/app/_components/TableHead";
import { formatDate } from "@/app/_components/format";
import { AdminOnly, requireAdmin } from "../guard";
import { AddMemberForm, NewGroupForm, SpaceForm } from "./AccessForms";

export const metadata: Metadata = { title: "Groups and spaces" };

/** How an audit entry's detail reads. */
function detailText(detail: unknown): string {
  if (!detail || typeof detail !== "object") return "";
  return Object.entries(detail as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : String(v)}`)
    .join("; ");
}

/** /admin/access: groups and their members, spaces with who may read and edit them, the audit log (admins only). */
export default async function AccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!(await requireAdmin("/admin/access"))) return <AdminOnly heading="Groups and spaces" />;
  const { after } = await searchParams;
  const before = typeof after === "string" && /^[1-9]\d{0,9}$/.test(after) ? Number(after) : undefined;
  const [{ groups }, { spaces }, audit] = await Promise.all([listGroups(), listSpaces(), listAudit({ limit: 50, before })]);
  return (
    <>
      <div className="page-head">
        <h1>Groups and spaces</h1>
      </div>
      <p>
        <a href="/admin">Administration</a> · A space keeps the pages under a title prefix to the people and groups it names;
        everyone else finds nothing there, in any view, list, search or mail.
      </p>
      <h2>Spaces</h2>
      {spaces.length === 0 ? <p className="muted">No spaces yet: every page is readable by everyone.</p> : (
        <ul className="space-list">
          {spaces.map((s) => (
            <li key={s.prefix} data-testid={`space-${s.prefix}`}>
              <h3><a href={pagePaths.view(s.prefix)}>{s.prefix}</a></h3>
              <p>
                Read: {s.read === "everyone" ? "everyone" : s.read.join(", ") || "administrators only"}. Edit:{" "}
                {s.edit === "editors" ? "every editor who may read" : s.edit.join(", ") || "administrators only"}.
              </p>
              <details>
                <summary>Change</summary>
                <SpaceForm initial={s} />
              </details>
              <JsonButton method="DELETE" url={`/api/admin/spaces/${encodeSlug(s.prefix)}`} label={`Remove the space ${s.prefix}`}
                confirm={`Make “${s.prefix}” an ordinary prefix? Its pages become readable by everyone.`} />
            </li>
          ))}
        </ul>
      )}
      <h3>New space</h3>
      <SpaceForm />
      <h2>Groups</h2>
      <NewGroupForm />
      {groups.length === 0 ? <p className="muted">No groups yet.</p> : (
        <ul className="group-list">
          {groups.map((g) => (
            <li key={g.name} data-testid={`group-${g.name}`}>
              <h3>{g.name}</h3>
              {g.members.length === 0 ? <p className="muted">No members.</p> : (
                <ul className="members">
                  {g.members.map((m) => (
                    <li key={m}>
                      <a href={`/users/${encodeURIComponent(m)}`}>{m}</a>{" "}
                      <JsonButton method="DELETE" url={`/api/admin/groups/${encodeURIComponent(g.name)}/members/${encodeURIComponent(m)}`}
                        label={`Remove ${m} from ${g.name}`} />
                    </li>
                  ))}
                </ul>
              )}
              <AddMemberForm group={g.name} />
              <JsonButton method="DELETE" url={`/api/admin/groups/${encodeURIComponent(g.name)}`} label={`Delete the group ${g.name}`}
                confirm={`Delete the group ${g.name}? Its members lose what it granted.`} />
            </li>
          ))}
        </ul>
      )}
      <h2 id="audit">Audit log</h2>
      <div className="table-scroll">
        <table className="list">
          <TableHead columns={["When", "Who", "What", "Of", "Detail"]} />
          <tbody>
            {audit.entries.map((e) => (
              <tr key={e.id}>
                <td><time dateTime={e.at}>{formatDate(e.at)}</time></td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>{e.target}</td>
                <td>{detailText(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        {before && <a href="/admin/access#audit">Newest</a>} {audit.next && <a href={`/admin/access?after=${audit.next}#audit`}>Older entries</a>}
      </p>
    </>
  );
}
