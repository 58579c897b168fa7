// Steps shared by `npm start` and `npm test` that must work on a fresh clone: only Node built-ins here,
// because node_modules may not exist yet when this runs.
import { existsSync, statSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DATA = path.join(ROOT, ".data");

/** Print a step the way every script does. */
export function say(message) {
  process.stdout.write(`[vellum] ${message}\n`);
}

/** Run a command in the project root; throw when it fails. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", ...options });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${result.status}`);
}

/** Install npm dependencies when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const lock = path.join(ROOT, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say("installing dependencies (npm ci)...");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

/** Generate the Prisma client when it is missing or older than the schema. */
export function ensurePrismaClient() {
  const generated = path.join(ROOT, "lib/db/generated/client.ts");
  const schema = path.join(ROOT, "prisma/schema.prisma");
  if (existsSync(generated) && statSync(generated).mtimeMs >= statSync(schema).mtimeMs) return;
  say("generating the Prisma client...");
  run(process.execPath, [path.join(ROOT, "node_modules/prisma/build/index.js"), "generate"], {
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
}

const BUILD_INPUTS = ["app", "lib", "public", "prisma/schema.prisma", "next.config.js", "package-lock.json", "tsconfig.json", ".env"];

function hashInputs() {
  const hash = createHash("sha256");
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (!name.endsWith(".test.ts")) visit(path.join(p, name));
      }
    } else {
      hash.update(path.relative(ROOT, p)).update("\0").update(readFileSync(p)).update("\0");
    }
  };
  for (const input of BUILD_INPUTS) visit(path.join(ROOT, input));
  return hash.digest("hex");
}

/** Run `next build` unless the last build was made from exactly these sources. */
export function ensureBuild() {
  const stamp = path.join(ROOT, ".next", "vellum-build-hash");
  const current = hashInputs();
  if (existsSync(path.join(ROOT, ".next/BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === current) return;
  say("building (next build)...");
  run(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  writeFileSync(stamp, current);
}

/** NEXTAUTH_SECRET: the environment's, or one generated on first start and kept in .data/. */
export function ensureSecret() {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, "nextauth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

/**
 * The one-time setup code: with it, the first account becomes the administrator even when created from another
 * machine (from this one, no code is needed). Kept owner-only in .data/setup-code; it grants nothing once the
 * wiki has an administrator.
 */
export function ensureSetupCode() {
  mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, "setup-code");
  if (!existsSync(file)) writeFileSync(file, randomBytes(9).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

/**
 * Debian packages the tests need (Chromium, memcached). Installed with apt-get only when missing and only
 * when we are root; otherwise we say what to install.
 */
export function ensureSystemPackages(packages) {
  const missing = packages.filter(({ bin }) => !existsSync(bin)).map(({ pkg }) => pkg);
  if (!missing.length) return;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`missing system packages: ${missing.join(" ")} (install them, e.g. sudo apt-get install ${missing.join(" ")})`);
  }
  say(`installing ${missing.join(", ")} with apt-get...`);
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", ...missing], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}
