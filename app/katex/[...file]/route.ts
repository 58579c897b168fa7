import { readFile } from "node:fs/promises";
import path from "node:path";
import type { NextRequest } from "next/server";

export const dynamic = "force-dynamic";

import { KATEX_VERSION } from "@/app/_components/chrome";
const FILE = /^(?:katex\.min\.css|fonts\/KaTeX_[A-Za-z0-9_-]+\.(?:woff2|woff|ttf))$/;
const TYPES: Record<string, string> = { css: "text/css; charset=utf-8", woff2: "font/woff2", woff: "font/woff", ttf: "font/ttf" };

/**
 * GET /katex/{file}: KaTeX's style sheet and fonts from the installed package, for formulas typeset at render time.
 * Only those files: the name is checked against a pattern, never joined as given.
 */
export async function GET(req: NextRequest, { params }: { params: Promise<{ file: string[] }> }): Promise<Response> {
  const file = (await params).file.join("/");
  if (!FILE.test(file)) return new Response("Not found", { status: 404 });
  try {
    const body = await readFile(path.join(process.cwd(), "node_modules", "katex", "dist", file));
    return new Response(new Uint8Array(body), {
      headers: {
        "Content-Type": TYPES[file.split(".").pop()!]!,
        "Cache-Control": req.nextUrl.searchParams.get("v") === KATEX_VERSION || file.startsWith("fonts/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch {
    return new Response("Not found", { status: 404 });
  }
}
