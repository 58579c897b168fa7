// `npm run migrate`: apply pending migrations to DATABASE_URL.
import "./lib/env.mjs"; // an empty variable is an unset one
import { migrate } from "./lib/migrate.mjs";

if (!process.env.DATABASE_URL) {
  console.error("DATABASE_URL is not set (npm start migrates the embedded database by itself)");
  process.exit(2);
}
const applied = await migrate(process.env.DATABASE_URL, { log: console.log });
console.log(applied.length ? `${applied.length} migration(s) applied` : "database is up to date");
