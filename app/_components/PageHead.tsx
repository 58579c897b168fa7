import type { Metadata } from "next";
import { AppError } from "@/lib/errors";
import { commentCount } from "@/lib/talk/list-cache";
import { titleFromParam } from "@/lib/wiki/titles";
import { offersEdit, tabsHtml, type Tab } from "./tabs-html";
import { getSessionAccess } from "@/lib/auth/session";
import { mayReadTitle, whyNotEditTitle } from "@/lib/auth/access";
import { currentPageState } from "@/lib/wiki/page-reads";
import type { Protection } from "@/lib/auth/permissions";
import { MAIN_PAGE_PATH } from "@/lib/http/names.js";
import { NOT_KEPT_ATTRIBUTE } from "@/lib/cache/front-documents";

/**
 * Page title and its Read / Edit / History / Discussion tabs (`comments`: the count, when the caller has it). Edit
 * is offered as the article offers it (the same rule, with the page's protection): pages kept for a class of
 * readers (lib/cache/front-cache.ts) are kept per role, block and confirmed address, everything the rule asks.
 * `protection`: the page's, when the caller has read it already.
 */
export async function PageHead({ title, heading, tab, comments, protection }: { title: string; heading?: string; tab: Tab; comments?: number; protection?: Protection }) {
  const { user, access } = await getSessionAccess();
  // a title one may not read shows nothing of its page: no comments, no protection (decision 0029)
  const readable = await mayReadTitle(access, title);
  const [count, state, spaceRefusal] = await Promise.all([
    readable ? (comments ?? commentCount(title)) : 0,
    protection ? { protection } : readable ? currentPageState(title) : null,
    user ? whyNotEditTitle(title, user) : null,
  ]);
  comments = count;
  return (
    <div className="page-head">
      <h1>{heading ?? title}</h1>
      <div dangerouslySetInnerHTML={{ __html: tabsHtml(title, tab, comments, !spaceRefusal && offersEdit(user, state?.protection ?? "none") ? "offer" : "none") }} />
    </div>
  );
}

/** A readable error in place of a page (bad title, bad id). */
export function ErrorNotice({ heading, message }: { heading: string; message: string }) {
  return (
    <>
      <div className="page-head">
        <h1>{heading}</h1>
      </div>
      {/* an error may pass (a busy database): never kept by the front cache */}
      <p className="error-box" role="alert" {...{ [NOT_KEPT_ATTRIBUTE]: "" }}>
        {message}
      </p>
      <p>
        <a href={MAIN_PAGE_PATH}>Go to the main page</a>
      </p>
    </>
  );
}

type SlugParams = Promise<{ slug: string[] }>;

/** The title a titled page's path (/edit/{slug}, /history/{slug}, ...) names, or the "Bad title" notice to show. */
export async function titleOrNotice(params: SlugParams) {
  try {
    return { title: titleFromParam((await params).slug), notice: null };
  } catch (e) {
    if (e instanceof AppError) return { title: null, notice: <ErrorNotice heading="Bad title" message={e.message} /> };
    throw e;
  }
}

/** The metadata of a titled page: `name(title)`, or "Bad title". */
export async function titledMetadata(params: SlugParams, name: (title: string) => string): Promise<Metadata> {
  try {
    return { title: name(titleFromParam((await params).slug)) };
  } catch {
    return { title: "Bad title" };
  }
}
