"use client";

import { useEffect, useState } from "react";
import { JsonButton } from "@/app/_components/JsonButton";

/**
 * Watch or stop watching a page. `watching` is null when the page was kept for every reader of a class (decision
 * 0021): then the button asks for this reader's state (GET /api/watch/{slug}) and shows once it knows.
 */
export function WatchButton({ slug, watching }: { slug: string; watching: boolean | null }) {
  const [state, setState] = useState(watching);
  useEffect(() => {
    if (watching !== null) return;
    let live = true;
    fetch(`/api/watch/${slug}`, { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((body: { watching?: boolean } | null) => {
        if (live && typeof body?.watching === "boolean") setState(body.watching);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [slug, watching]);
  if (state === null) return null;
  return (
    <JsonButton method={state ? "DELETE" : "PUT"} url={`/api/watch/${slug}`} label={state ? "Stop watching this page" : "Watch this page"} />
  );
}
