// `npm start`: install what is missing, start the database, migrate, build when stale, and serve.
// Ctrl-C or SIGTERM stops the app and the embedded database cleanly.
import "./lib/env.mjs"; // an empty variable is an unset one
import path from "node:path";
import { DATA, say, ensureDependencies, ensurePrismaClient, ensureBuild, ensureSecret, ensureSetupCode } from "./lib/setup.mjs";
import { startApp } from "./lib/app.mjs";

const port = Number(process.env.PORT ?? 3000);
const cleanups = [];
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const fn of cleanups.reverse()) await fn().catch((e) => console.error(e));
  process.exit(code);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
// npm does not pass SIGTERM on to its script: when the `npm start` that ran us goes away, we are orphaned
// (re-parented), and that is our cue to stop the app and the services as if we had been sent SIGTERM.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stop(0);
}, 500).unref();

/** Does the wiki have no administrator yet (so the setup code is worth printing)? */
async function hasNoAdmin(url) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rowCount } = await client.query("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1");
    return rowCount === 0;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

try {
  ensureDependencies();
  ensurePrismaClient();
  const { startServices } = await import("./lib/services.mjs");
  const env = await startServices({ dataDir: path.join(DATA, "dev"), pgPort: Number(process.env.VELLUM_PG_PORT ?? 54329), cleanups });
  ensureBuild();
  const setupCode = ensureSetupCode();
  const child = await startApp({
    port,
    cleanups,
    timeoutMs: 10 * 60_000,
    env: {
      ...env,
      NEXTAUTH_SECRET: ensureSecret(),
      VELLUM_SETUP_CODE: setupCode,
      NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
      WEB_CONCURRENCY: process.env.WEB_CONCURRENCY ?? "1",
    },
  });
  child.once("exit", (code) => {
    if (!stopping) {
      say(`the app exited (code ${code})`);
      void stop(code ?? 1);
    }
  });
  say(`Vellum is running at ${process.env.NEXTAUTH_URL ?? `http://localhost:${port}`}  (Ctrl-C stops it)`);
  if (await hasNoAdmin(env.DATABASE_URL)) {
    say(`no administrator yet: create the first account from this machine, or elsewhere with the setup code ${setupCode}`);
  }
} catch (e) {
  console.error(`[vellum] could not start: ${e instanceof Error ? e.message : e}`);
  await stop(1);
}
