// Prisma CLI configuration. The CLI wants a native schema engine it cannot download here (no internet);
// `prisma generate` never runs it, so we point it at a stub that explains itself. Migrations are written by
// scripts/migration.mjs (npm run migration:create) and applied by scripts/lib/migrate.mjs.
import path from "node:path";
import { defineConfig } from "prisma/config";

process.env.CHECKPOINT_DISABLE ??= "1";
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("scripts/schema-engine-offline.sh");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/vellum" },
});
