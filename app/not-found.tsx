export default function NotFound() {
  return (
    <>
      <div className="page-head">
        <h1>Not found</h1>
      </div>
      <p>There is nothing at this address.</p>
      <p>
        <a href="/wiki/Main_Page">Go to the main page</a>
      </p>
    </>
  );
}
