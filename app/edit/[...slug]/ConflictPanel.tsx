"use client";

import { useMemo } from "react";
import { diffText, type Change } from "@/lib/wiki/diff";
import { formatDate } from "@/app/_components/format";
import styles from "./editor.module.css";

/** The version someone saved meanwhile: the 409's `current`, and who saved it (its `currentRevision`). */
export type Conflict = {
  revisionId: number;
  markdown: string;
  author?: { username: string } | null;
  createdAt?: string;
  summary?: string;
};

/** A run of the diff: lines both have, or a difference (their lines and yours). */
type Hunk = { kind: "same"; text: string } | { kind: "differs"; theirs: string; mine: string };

function hunks(changes: Change[]): Hunk[] {
  const out: Hunk[] = [];
  for (const c of changes) {
    const last = out.at(-1);
    if (c.op === "equal") out.push({ kind: "same", text: c.text });
    else if (last?.kind === "differs") last[c.op === "delete" ? "theirs" : "mine"] += c.text;
    else out.push({ kind: "differs", theirs: c.op === "delete" ? c.text : "", mine: c.op === "insert" ? c.text : "" });
  }
  return out;
}

/**
 * The conflict screen: who saved the other version and when, the differences between their text and yours, and
 * for each difference a way to take their lines (or both) into your text; the rest is merged by hand in the
 * editor above. Saving saves the merged text on top of their version: nothing of theirs is lost unseen.
 */
export function ConflictPanel({ conflict, mine, onChange }: { conflict: Conflict; mine: string; onChange: (text: string) => void }) {
  const parts = useMemo(() => hunks(diffText(conflict.markdown, mine).changes), [conflict.markdown, mine]);
  const who = conflict.author?.username ?? "Someone signed out";
  const differences = parts.filter((p) => p.kind === "differs").length;

  /** Your text with difference `i` resolved as `pick`. */
  function resolve(i: number, pick: "theirs" | "both") {
    const text = parts
      .map((p, j) => (p.kind === "same" ? p.text : j !== i ? p.mine : pick === "theirs" ? p.theirs : p.theirs + p.mine))
      .join("");
    onChange(text);
  }

  return (
    <section className={`notice ${styles.conflict}`} aria-labelledby="conflict-heading" role="alert">
      <h2 id="conflict-heading">Edit conflict</h2>
      <p>
        <strong>{who}</strong> saved this page{conflict.createdAt ? ` ${formatDate(conflict.createdAt)}` : ""} after you started
        editing{conflict.summary ? ` (“${conflict.summary}”)` : ""}, and their changes overlap with yours. Your text is still in
        the editor. Below {differences === 1 ? "is the difference" : `are the ${differences} differences`} between their
        version and yours: take their lines where they are right, merge the rest by hand, then save the merged text.
      </p>
      <ol className={styles.hunks} aria-label="Differences between their version and yours">
        {parts.map((p, i) =>
          p.kind === "same" ? null : (
            <li key={i} className={styles.hunk}>
              <div className={styles.theirs}>
                <span className={styles.side}>{who}’s version</span>
                <pre>{p.theirs || "(nothing here)"}</pre>
              </div>
              <div className={styles.mine}>
                <span className={styles.side}>Your version</span>
                <pre>{p.mine || "(nothing here)"}</pre>
              </div>
              <div className="actions">
                <button type="button" className="secondary" onClick={() => resolve(i, "theirs")}>Use {who}’s lines here</button>
                {p.theirs && p.mine && (
                  <button type="button" className="secondary" onClick={() => resolve(i, "both")}>Keep both</button>
                )}
              </div>
            </li>
          ),
        )}
      </ol>
      {differences === 0 && <p>Your text now matches theirs.</p>}
      <details>
        <summary>{who}’s whole version (revision {conflict.revisionId})</summary>
        <label htmlFor="their-version" className="skip">Their version</label>
        <textarea id="their-version" readOnly rows={10} value={conflict.markdown} />
      </details>
    </section>
  );
}
