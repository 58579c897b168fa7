import { commentCount } from "@/lib/talk/comments";
import { tabsHtml, type Tab } from "./page-head";

/** Page title and its Read / Edit / History / Discussion tabs (`comments`: the count, when the caller has it). */
export async function PageHead({ title, heading, tab, comments }: { title: string; heading?: string; tab: Tab; comments?: number }) {
  comments ??= await commentCount(title);
  return (
    <div className="page-head">
      <h1>{heading ?? title}</h1>
      <div dangerouslySetInnerHTML={{ __html: tabsHtml(title, tab, comments) }} />
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
      <p className="error-box" role="alert">
        {message}
      </p>
      <p>
        <a href="/wiki/Main_Page">Go to the main page</a>
      </p>
    </>
  );
}
