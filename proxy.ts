import { NextResponse, type NextRequest } from "next/server";

/**
 * A nonce-based Content-Security-Policy for every React page (docs/decisions/0014-content-security-policy.md).
 * Pages such as /revision, /diff, /history, profiles and the editor's preview show user HTML; it is sanitised, and
 * this policy is the second line: a script the sanitiser ever let through would carry no nonce and not run. Next.js
 * reads the nonce from the request's policy header and puts it on its own scripts. The article view (/wiki) sends
 * its own, stricter policy (no script at all), and API routes answer JSON, so neither passes through here.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

/** Scripts only with this response's nonce (and what they load); images from anywhere, as Markdown allows. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' https: http: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const config = {
  // React pages only: not the API, the article view, Next.js's static files or public/ files
  matcher: [
    {
      source: "/((?!api/|wiki/|_next/static|_next/image|favicon\\.ico|vellum\\.css|robots\\.txt).*)",
      missing: [{ type: "header", key: "next-router-prefetch" }, { type: "header", key: "purpose", value: "prefetch" }],
    },
  ],
};
