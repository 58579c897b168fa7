import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";
import { getConfig } from "@/lib/config";
import { getSessionAccess } from "@/lib/auth/session";
import { canAdminister, canChange, canDeleteComment } from "@/lib/auth/permissions";
import { cacheHitsAndMisses, listComments } from "@/lib/talk/list-cache";
import { talkQuerySchema } from "@/lib/talk/schema";
import { encodeSlug, pagePaths } from "@/lib/wiki/titles";
import { ErrorNotice, PageHead, titleOrNotice, titledMetadata } from "@/app/_components/PageHead";
import { JsonButton } from "@/app/_components/JsonButton";
import { formatDate } from "@/app/_components/format";
import { TalkForm } from "./TalkForm";

type Props = { params: Promise<{ slug: string[] }>; searchParams: Promise<Record<string, string | string[]>> };

export const generateMetadata = ({ params }: Props) => titledMetadata(params, (title) => `Talk: ${title}`);

const fmt = new Intl.NumberFormat("en-GB");

/**
 * /talk/{slug}: the discussion of a page (any valid title), newest 10 first with older pages, the comment box, and
 * for admins the cache's hits and misses under it, as in the guestbook this wiki descends from (readers are not
 * shown debugging figures; talk pages are kept for signed-out readers only, so an admin's copy is never shared).
 */
export default async function TalkPage({ params, searchParams }: Props) {
  const named = await titleOrNotice(params);
  if (named.notice) return named.notice;
  const title = named.title;
  const query = talkQuerySchema.safeParse(await searchParams);
  if (!query.success) return <ErrorNotice heading="Bad request" message="Invalid page of comments." />;
  const { user, access } = await getSessionAccess();
  let list;
  try {
    list = await listComments(title, access, query.data);
  } catch (e) {
    // a talk page of a page one may not read is not there (decision 0029)
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
  const stats = canAdminister(user) ? await cacheHitsAndMisses() : null;
  const mayPost = user ? canChange(user) : getConfig().ALLOW_ANONYMOUS_COMMENTS === "on";
  return (
    <>
      <PageHead title={title} heading={`Talk: ${title}`} tab="talk" comments={list.count} />
      {mayPost ? (
        <TalkForm slugPath={encodeSlug(title)} />
      ) : user ? (
        <p className="notice">Your account is blocked: you may read the discussion but not join it.</p>
      ) : (
        <p>
          <a href={`/signin?callbackUrl=${encodeURIComponent(pagePaths.talk(title))}`}>Sign in</a> to join the discussion.
        </p>
      )}
      {list.comments.length === 0 ? (
        <p className="muted">No comments yet.</p>
      ) : (
        <ol className="comments">
          {list.comments.map((c) => (
            <li key={c.id} id={`comment-${c.id}`}>
              <p className="comment-head">
                {c.author ? (
                  <>
                    <a href={`/users/${encodeURIComponent(c.author.username)}`}>{c.author.username}</a> wrote
                  </>
                ) : (
                  "An anonymous person wrote:"
                )}{" "}
                <time dateTime={c.createdAt}>{formatDate(c.createdAt)}</time>
                {canDeleteComment(user, { own: user !== null && user.username === c.author?.username }) && (
                  <>
                    {" "}
                    <JsonButton method="DELETE" url={`/api/talk/${encodeSlug(title)}/${c.id}`} label="Delete"
                      confirm="Delete this comment?" />
                  </>
                )}
              </p>
              <div className="article comment-body" dangerouslySetInnerHTML={{ __html: c.html }} />
            </li>
          ))}
        </ol>
      )}
      <nav className="pager" aria-label="Older comments">
        {query.data.before && <a href={pagePaths.talk(title)}>Newest</a>}
        {list.next && <a href={`${pagePaths.talk(title)}?before=${list.next}`}>Older comments</a>}
      </nav>
      {stats && (
        <p className="muted cache-stats" data-testid="talk-cache-stats">
          Cache hits: {fmt.format(stats.hits)} · Cache misses: {fmt.format(stats.misses)}
        </p>
      )}
    </>
  );
}
