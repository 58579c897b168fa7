import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { headers } from "next/headers";
import { getSessionUser } from "@/lib/auth/session";
import { CAPTURE_HEADER } from "@/lib/http/names.js";
import { FAVICON_PATH, KATEX_CSS_PATH, siteHeaderHtml, siteHeaderHtmlToFill } from "./_components/chrome";

export const metadata: Metadata = {
  title: { template: "%s · Vellum", default: "Vellum" },
  description: "Vellum, a wiki with full revision history",
  icons: { icon: [{ url: FAVICON_PATH, type: "image/svg+xml" }] },
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // a page the front keeps for every reader leaves who reads it to the front (lib/cache/front-cache.ts)
  const header = (await headers()).has(CAPTURE_HEADER) ? siteHeaderHtmlToFill() : siteHeaderHtml(await getSessionUser());
  return (
    <html lang="en">
      <head>
        {/* the one stylesheet, shared with the article view (a route handler, decision 0006), so not a CSS import */}
        {/* eslint-disable-next-line @next/next/no-css-tags */}
        <link rel="stylesheet" href="/vellum.css" precedence="default" />
        {/* formulas in previews, old revisions and profiles are typeset by KaTeX at render time */}
        <link rel="stylesheet" href={KATEX_CSS_PATH} precedence="default" />
      </head>
      <body>
        <header className="site-header" dangerouslySetInnerHTML={{ __html: header }} />
        <main id="content" className="page">
          {children}
        </main>
      </body>
    </html>
  );
}
