import { connection } from "next/server";
import { MAIN_PAGE_PATH } from "@/lib/http/names.js";

/** Any address that names nothing. Made per request, not at build: its header shows who is signed in. */
export default async function NotFound() {
  await connection();
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
