// ESLint 9 flat config: Next.js's rules (React, hooks, accessibility, Core Web Vitals) and typescript-eslint's
// recommended rules, with type information where they need it. `npm run lint` allows no warnings.
import { defineConfig, globalIgnores } from "eslint/config";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

export default defineConfig([
  ...nextCoreWebVitals,
  ...nextTypescript,
  globalIgnores([".next/**", ".data/**", "node_modules/**", "lib/db/generated/**", "bench/results/**", "next-env.d.ts", "test-results/**"]),
  {
    rules: {
      // The article view (/wiki) is a route handler that sends a finished document (decision 0006), not a React
      // page: links to it are plain <a>, a full navigation, which is what <Link> would end in anyway.
      "@next/next/no-html-link-for-pages": "off",
      // unused names are mistakes, except a deliberate leading underscore
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // console is how the server logs
      "no-console": "off",
    },
  },
  {
    // Promises nobody awaits lose their errors (a 500 becomes an unhandled rejection): checked with types.
    files: ["app/**/*.{ts,tsx}", "lib/**/*.ts", "e2e/**/*.ts", "*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test runs what test() registers itself
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it", "before", "after"] }] },
      ],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
]);
