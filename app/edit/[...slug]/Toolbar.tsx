"use client";

import { useRef, useState } from "react";
import { ACTIONS, type ActionId } from "@/lib/editor/commands";
import styles from "./editor.module.css";

/**
 * The formatting toolbar: one Tab stop, arrow keys between its buttons (the ARIA toolbar pattern). The buttons
 * never take the focus from the text when clicked, so the cursor stays where the format applies.
 */
export function Toolbar({ onAction, onUpload, disabled }: { onAction: (id: ActionId) => void; onUpload: () => void; disabled: boolean }) {
  const [active, setActive] = useState(0);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const count = ACTIONS.length + 1;
  function onKeyDown(e: React.KeyboardEvent) {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, Home: -active, End: count - 1 - active };
    const move = moves[e.key];
    if (move === undefined) return;
    e.preventDefault();
    const next = (active + move + count) % count;
    setActive(next);
    refs.current[next]?.focus();
  }
  const button = (i: number, name: string, onClick: () => void, content: React.ReactNode, keys = "") => (
    <button key={name} ref={(el) => void (refs.current[i] = el)} type="button" aria-label={name} title={keys ? `${name} (${keys})` : name}
      tabIndex={i === active ? 0 : -1} onFocus={() => setActive(i)} onMouseDown={(e) => e.preventDefault()} onClick={onClick} disabled={disabled}>
      {content}
    </button>
  );
  return (
    <div className={styles.toolbar} role="toolbar" aria-label="Formatting" onKeyDown={onKeyDown}>
      {ACTIONS.map((a, i) => button(i, a.label, () => onAction(a.id), ICONS[a.id], a.keys))}
      {button(ACTIONS.length, "Upload", onUpload, "Upload…")}
    </div>
  );
}

const ICONS: Record<ActionId, React.ReactNode> = {
  bold: <b aria-hidden>B</b>,
  italic: <i aria-hidden>I</i>,
  heading: <span aria-hidden>H</span>,
  link: <span aria-hidden>[[ ]]</span>,
  bullets: <span aria-hidden>•≡</span>,
  numbers: (
    <svg aria-hidden width="18" height="14" viewBox="0 0 18 14" fill="none" stroke="currentColor" strokeWidth="1.6">
      <path d="M1.5 1.5h1.5v4M1 10h2.5l-2.5 3h2.5M7 3h10M7 7h10M7 11h10" />
    </svg>
  ),
  tasks: <span aria-hidden>☑</span>,
  quote: <span aria-hidden>❝</span>,
  code: <span aria-hidden>{"</>"}</span>,
  table: <span aria-hidden>▦</span>,
};
