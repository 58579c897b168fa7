"use client";

import { useState } from "react";

/** What a form or button shows when the server could not be reached at all. */
export const UNREACHABLE = "Could not reach the server; try again.";

/**
 * The busy and error state every form and button here has: `run(task)` marks it busy, clears the last error, runs
 * the task, and shows what it returns (an error message; nothing when it succeeded) or, when it throws, that the
 * server could not be reached.
 */
export function useAction(unreachable = UNREACHABLE) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
  return { busy, error, run };
}

/** The error of a form, announced to screen readers; nothing when there is none. */
export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p className="error-box" role="alert">
      {error}
    </p>
  ) : null;
}
