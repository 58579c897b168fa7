import "server-only";
import type { Tx } from "@/lib/db/transaction";
import { siteBase } from "@/lib/http/site";
import { commentEmails } from "@/lib/mail/notifications";
import { notifyPageAudience } from "@/lib/wiki/notify";
import { pagePaths } from "@/lib/wiki/titles";
import type { Poster } from "./schema";

/** How much of a comment its email quotes, in characters. */
const EXCERPT_CHARS = 600;

/**
 * Mail the page's watchers (not the author; verified addresses, each as they chose: now, in a digest, or not)
 * about a new comment, in its transaction.
 */
export async function queueCommentMail(tx: Tx, title: string, author: Poster, content: string): Promise<void> {
  const talkUrl = siteBase() + pagePaths.talk(title);
  const excerpt = [...content].length > EXCERPT_CHARS ? [...content].slice(0, EXCERPT_CHARS).join("") + "…" : content;
  await notifyPageAudience(tx, {
    page: { title },
    exclude: author?.id ?? null,
    admins: false,
    emails: (now) => commentEmails(now.map((r) => r.email), { title, author: author?.username ?? null, excerpt, talkUrl }),
    digestLine: `${title}: a comment by ${author?.username ?? "an anonymous person"} ${talkUrl}`,
  });
}
