import type { Metadata } from "next";
import { openApiDocument, OPERATIONS, type Access } from "@/lib/http/openapi";

export const metadata: Metadata = { title: "HTTP API" };

const ACCESS: Record<Access, string> = {
  anyone: "anyone",
  "signed-in": "signed in (session or token)",
  admin: "administrators",
  "session only": "signed in with a session (not a token)",
};

/** /api-docs: the HTTP API for people, from the same description as /api/openapi.json. */
export default function ApiDocsPage() {
  const doc = openApiDocument();
  const tags = [...new Set(OPERATIONS.map((op) => op.tag))];
  return (
    <>
      <div className="page-head">
        <h1>HTTP API</h1>
      </div>
      <p>{doc.info.description}</p>
      <p>
        Errors are <code>{`{"error": {"code", "message"}}`}</code> with 400 <code>bad_request</code>, 401 <code>unauthorized</code>,
        403 <code>forbidden</code>, 404 <code>not_found</code>, 409 <code>edit_conflict</code>/<code>conflict</code>, 412{" "}
        <code>precondition_failed</code>, 413{" "}
        <code>payload_too_large</code>, 429 <code>rate_limited</code>, 503 <code>unavailable</code>. Machine-readable:{" "}
        <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).
      </p>
      {tags.map((tag) => (
        <section key={tag}>
          <h2>{tag}</h2>
          {OPERATIONS.filter((op) => op.tag === tag).map((op) => {
            const body = (doc.paths[op.path]?.[op.method] as { requestBody?: { content: { "application/json"?: { schema: unknown } } } })
              .requestBody?.content["application/json"]?.schema;
            return (
              <div key={`${op.method} ${op.path}`} className="api-op">
                <h3>
                  <code>{`${op.method.toUpperCase()} ${op.path}`}</code>
                </h3>
                <p>{op.summary}</p>
                <p className="muted">
                  Who: {ACCESS[op.access]}. Answers {op.success[0]}
                  {op.errors?.length ? `; also ${op.errors.join(", ")}` : ""}.
                </p>
                {op.rawBody && <p>Body: the file&apos;s bytes, any Content-Type.</p>}
                {body !== undefined && (
                  <details>
                    <summary>Body (JSON Schema)</summary>
                    <pre>{JSON.stringify(body, null, 2)}</pre>
                  </details>
                )}
              </div>
            );
          })}
        </section>
      ))}
    </>
  );
}
