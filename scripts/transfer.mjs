// Moving in and out from a shell (README "Moving in", "Moving out", "Backups"):
//   npm run import:mediawiki -- dump.xml     npm run export -- DIR [--history]
//   npm run backup -- FILE                   npm run restore -- FILE
// Installs what is missing, finds the database (scripts/lib/tool-services.mjs), then runs the command
// (lib/transfer/cli.ts) with it. Ctrl-C stops the command; an interrupted import resumes when run again.
import "./lib/env.mjs"; // an empty variable is an unset one
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT, say, ensureDependencies, ensurePrismaClient, ensureSystemPackages } from "./lib/setup.mjs";
import { toolServices } from "./lib/tool-services.mjs";

const cleanups = [];
let child = null;
async function stop(code) {
  for (const fn of cleanups.reverse()) await fn().catch((e) => console.error(e));
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child) child.kill(signal);
    else void stop(130);
  });
}

/** Run lib/transfer/cli.ts with `args` in `env`; resolves with its exit code. */
function runCli(args, env) {
  child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "lib/transfer/cli.ts"), ...args], {
    cwd: ROOT,
    stdio: "inherit",
    // a tool's statements may take longer than a request's (a page of a million revisions is one transaction)
    env: { ...process.env, ...env, DATABASE_STATEMENT_TIMEOUT_MS: process.env.DATABASE_STATEMENT_TIMEOUT_MS ?? "600000" },
  });
  return new Promise((resolve) => child.on("exit", (code, signal) => { child = null; resolve(code ?? (signal ? 130 : 1)); }));
}

try {
  ensureDependencies();
  ensurePrismaClient();
  if (process.argv.includes("--history")) ensureSystemPackages([{ pkg: "git", bin: "/usr/bin/git" }]);
  // arguments name files relative to where the command was typed (npm runs scripts from the project folder)
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const args = process.argv.slice(2).map((a, i) => (i > 0 && !a.startsWith("--") ? path.resolve(cwd, a) : a));
  // a restore checks its file whole before it touches any database (not even to migrate it)
  const checked = args[0] === "restore" ? await runCli(["check-backup", ...args.slice(1)], {}) : 0;
  if (checked !== 0) await stop(checked);
  const env = await toolServices(cleanups);
  await stop(await runCli(args, env));
} catch (e) {
  say(`could not run: ${e instanceof Error ? e.message : e}`);
  await stop(1);
}
