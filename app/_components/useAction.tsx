"use client";

import { useState, useSyncExternalStore } from "react";

/** What a form or button shows when the server could not be reached at all. */
export const UNREACHABLE = "Could not reach the server; try again.";

const noSubscription = () => () => {};

/**
 * Has this component hydrated? False in the server's HTML and until React has attached its handlers: a form's submit
 * button is disabled until then, so a click or Enter before the page's script has run never submits the form the
 * browser's own way (a GET with every field, a password among them, in the address).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

/**
 * The busy and error state every form and button here has: `run(task)` marks it busy, clears the last error, runs
 * the task, and shows what it returns (an error message; nothing when it succeeded) or, when it throws, that the
 * server could not be reached. `disabled` is what its submit button takes.
 */
export function useAction(unreachable = UNREACHABLE) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hydrated = useHydrated();
  async function run(task: () => Promise<string | null | void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const problem = await task();
      if (problem) setError(problem);
    } catch {
      setError(unreachable);
    } finally {
      setBusy(false);
    }
  }
  /** What a submit button's `disabled` is: busy, or not yet hydrated (useHydrated). */
  const disabled = busy || !hydrated;
  return { busy, disabled, error, run };
}

/** The error of a form, announced to screen readers; nothing when there is none. */
export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p className="error-box" role="alert">
      {error}
    </p>
  ) : null;
}
