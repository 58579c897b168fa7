"use client";

import { useCallback, useEffect, useState } from "react";
import type { ImportRunView } from "@/lib/transfer/mediawiki";
import { count } from "@/app/_components/format";

const URL_ = "/api/admin/import/mediawiki";

function share(run: ImportRunView): number | null {
  return run.bytesTotal ? Math.min(1, run.bytesRead / run.bytesTotal) : null;
}

/**
 * Import a MediaWiki export from this browser, and the latest imports (from here or the shell) with their
 * progress, polled every two seconds while one runs.
 */
export function ImportPanel({ initial }: { initial: ImportRunView[] }) {
  const [runs, setRuns] = useState(initial);
  const [sending, setSending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    const r = await fetch(URL_, { cache: "no-store" });
    if (r.ok) setRuns(((await r.json()) as { runs: ImportRunView[] }).runs);
  }, []);
  const running = sending || runs.some((r) => r.status === "running");
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [running, refresh]);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = (new FormData(event.currentTarget).get("dump") as File | null) ?? null;
    if (!file || file.size === 0) return setMessage("Choose an XML export first.");
    setSending(true);
    setMessage(`Importing ${file.name}…`);
    try {
      const r = await fetch(URL_, { method: "POST", body: file, headers: { "Content-Type": "application/xml" } });
      const body = (await r.json()) as { pages?: number; revisions?: number; users?: number; skipped?: unknown[]; error?: { message: string } };
      setMessage(r.ok
        ? `Imported ${count(body.pages ?? 0, "page")}, ${count(body.revisions ?? 0, "revision")}, ${count(body.users ?? 0, "new person", "new people")}; ${count(body.skipped?.length ?? 0, "page")} skipped.`
        : body.error?.message ?? "The import failed.");
    } catch {
      setMessage("The connection was lost; the import may still be running: see below.");
    } finally {
      setSending(false);
      void refresh();
    }
  }

  return (
    <>
      <form onSubmit={submit} className="actions">
        <label>
          MediaWiki XML export (Special:Export or dumpBackup.php --full){" "}
          <input type="file" name="dump" accept=".xml,application/xml,text/xml" disabled={sending} />
        </label>{" "}
        <button type="submit" disabled={sending}>Import</button>
      </form>
      <p className="muted">Larger exports import faster from the server&apos;s shell: <code>npm run import:mediawiki -- dump.xml</code>.</p>
      {message && <p role="status">{message}</p>}
      {runs.length > 0 && (
        <div className="table-scroll">
          <table className="list">
            <thead>
              <tr><th scope="col">#</th><th scope="col">Source</th><th scope="col">Progress</th><th scope="col">Status</th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-testid={`import-${r.id}`}>
                  <td>{r.id}</td>
                  <td>{r.source ?? "—"} <span className="muted">({r.origin === "shell" ? "shell" : "browser or API"})</span></td>
                  <td>
                    {share(r) !== null && <progress max={1} value={share(r)!} aria-label={`Import ${r.id} progress`} />}{" "}
                    {count(r.pages, "page")}, {count(r.revisions, "revision")}, {count(r.users, "new person", "new people")}
                    {r.skipped.length > 0 && (
                      <details>
                        <summary>{r.skipped.length} skipped</summary>
                        <ul>{r.skipped.map((s, i) => <li key={i}>{s.title}: {s.reason}</li>)}</ul>
                      </details>
                    )}
                    {r.renamed.length > 0 && (
                      <details>
                        <summary>{r.renamed.length} authors renamed</summary>
                        <ul>{r.renamed.map((n, i) => <li key={i}>{n.from} → {n.to}</li>)}</ul>
                      </details>
                    )}
                  </td>
                  <td>
                    {r.status}
                    {r.status === "stopped" && <div className="muted">no progress for a minute: run it again to resume</div>}
                    {r.error && <div className="muted">{r.error}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
