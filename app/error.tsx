"use client";

import { MAIN_PAGE_PATH } from "@/lib/http/names.js";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <div className="page-head">
        <h1>Something went wrong</h1>
      </div>
      <p className="error-box" role="alert">
        The page could not be shown. Nothing you saved was lost.
        {error.digest ? ` (error id ${error.digest})` : ""}
      </p>
      <p className="actions">
        <button type="button" onClick={() => reset()}>
          Try again
        </button>
        <a href={MAIN_PAGE_PATH}>Main page</a>
      </p>
    </>
  );
}
