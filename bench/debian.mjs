// Debian packages the bench needs (nginx for its yardstick, wrk for load), installed with apt-get when missing, as
// root, without letting a package start its own service (a policy-rc.d that refuses, for the install only).
import { spawnSync } from "node:child_process";
import { existsSync, unlinkSync, writeFileSync } from "node:fs";
import { say } from "../scripts/lib/setup.mjs";

const POLICY = "/usr/sbin/policy-rc.d";

/**
 * Is `binary` there, after installing Debian's `pkg` when it was not (and we may)? `why` names its use.
 * @param {string} binary @param {string} pkg @param {string} why
 */
export function ensureDebianPackage(binary, pkg, why) {
  if (existsSync(binary)) return true;
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) {
    say(`notice: ${pkg} is not installed (apt-get install ${pkg}): ${why}`);
    return false;
  }
  say(`installing ${pkg} with apt-get (${why}; no service is started)...`);
  const ownPolicy = !existsSync(POLICY);
  if (ownPolicy) writeFileSync(POLICY, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", pkg], { stdio: "inherit", env });
  } finally {
    if (ownPolicy) unlinkSync(POLICY);
  }
  return existsSync(binary);
}
