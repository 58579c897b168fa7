import { MAIN_PAGE_PATH } from "@/lib/http/names.js";

export default function NotFound() {
  return (
    <>
      <div className="page-head">
        <h1>Not found</h1>
      </div>
      <p>There is nothing at this address.</p>
      <p>
        <a href={MAIN_PAGE_PATH}>Go to the main page</a>
      </p>
    </>
  );
}
