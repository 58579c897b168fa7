import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/session";
import { watchlistChanges } from "@/lib/wiki/watches";
import { pagePaths } from "@/lib/wiki/titles";
import { formatDate } from "@/app/_components/format";
import { accessOf } from "@/lib/auth/access";

export const metadata: Metadata = { title: "Watchlist" };

/** /watchlist: recent changes to the pages you watch. */
export default async function WatchlistPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=/watchlist");
  const { changes } = await watchlistChanges(user.id, await accessOf(user), { limit: 100 });
  return (
    <>
      <div className="page-head">
        <h1>Watchlist</h1>
      </div>
      <p className="muted">Watch a page from its History tab. Changes to watched pages are emailed as your settings say.</p>
      {changes.length === 0 ? (
        <p>No changes to watched pages yet.</p>
      ) : (
        <ul>
          {changes.map((c) => (
            <li key={c.id}>
              <a href={pagePaths.view(c.page.title)}>{c.page.title}</a> —{" "}
              <a href={c.parentId ? `/diff?from=${c.parentId}&to=${c.id}` : `/revision/${c.id}`}>
                <time dateTime={c.createdAt}>{formatDate(c.createdAt)}</time>
              </a>{" "}
              by {c.author?.username ?? "unknown"}
              {c.summary && <> — “{c.summary}”</>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
