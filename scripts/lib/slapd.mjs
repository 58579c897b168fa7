// The directory of `npm test` (decision 0030): Debian's OpenLDAP slapd (apt-get install slapd), started as our child
// on loopback with a throw-away database, the memberOf overlay, and a read-only service account, as an
// organisation's directory would be. Tests add their own people and groups (lib/testing/directory.mjs).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Client } from "ldapts";

export const SLAPD = "/usr/sbin/slapd";
export const SUFFIX = "dc=example,dc=org";
export const ADMIN_DN = `cn=admin,${SUFFIX}`;
export const ADMIN_PASSWORD = "directory-admin-secret";
export const SERVICE_DN = `cn=vellum,ou=services,${SUFFIX}`;
export const SERVICE_PASSWORD = "directory-service-secret";

/**
 * Start slapd on 127.0.0.1:port with its data in `dir` (emptied first); resolves once it answers a bind, with the
 * base entries made. `env` is what an app needs in LDAP_* to sign people in against it.
 * @param {{ port: number, dir: string }} options
 */
export async function startSlapd({ port, dir }) {
  if (!existsSync(SLAPD)) throw new Error("slapd is not installed (apt-get install slapd)");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const conf = path.join(dir, "slapd.conf");
  writeFileSync(
    conf,
    [
      ...["core", "cosine", "inetorgperson", "nis"].map((s) => `include /etc/ldap/schema/${s}.schema`),
      "modulepath /usr/lib/ldap",
      "moduleload back_mdb",
      "moduleload memberof",
      `pidfile ${path.join(dir, "slapd.pid")}`,
      "database mdb",
      "maxsize 67108864",
      `suffix "${SUFFIX}"`,
      `rootdn "${ADMIN_DN}"`,
      `rootpw ${ADMIN_PASSWORD}`,
      `directory ${path.join(dir, "data")}`,
      "overlay memberof",
      // people prove their password by binding; only the service account reads the directory
      `access to attrs=userPassword by anonymous auth by * none`,
      `access to * by dn.exact="${SERVICE_DN}" read by self read by * none`,
      "",
    ].join("\n"),
  );
  const url = `ldap://127.0.0.1:${port}`;
  const child = spawn(SLAPD, ["-f", conf, "-h", `${url}/`, "-d", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode) return resolve(undefined);
      child.once("exit", () => resolve(undefined));
      child.kill("SIGCONT"); // a test may have paused it
      child.kill("SIGTERM");
    });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`slapd exited: ${stderr.trim().slice(-2000) || `code ${child.exitCode}`}`);
    const admin = new Client({ url, connectTimeout: 500, timeout: 2000 });
    try {
      await admin.bind(ADMIN_DN, ADMIN_PASSWORD);
      await seed(admin);
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`slapd did not answer on ${url}: ${e instanceof Error ? e.message : e}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await admin.unbind().catch(() => undefined);
    }
  }
  return {
    url,
    pid: child.pid,
    stop,
    env: {
      LDAP_URL: url,
      LDAP_BIND_DN: SERVICE_DN,
      LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
      LDAP_USER_BASE: `ou=people,${SUFFIX}`,
      LDAP_GROUP_BASE: `ou=groups,${SUFFIX}`,
    },
  };
}

/** The organisation, its two branches and the service account. */
async function seed(admin) {
  await admin.add(SUFFIX, { objectClass: ["dcObject", "organization"], dc: "example", o: "Example" });
  for (const ou of ["people", "groups", "services"]) await admin.add(`ou=${ou},${SUFFIX}`, { objectClass: "organizationalUnit", ou });
  await admin.add(SERVICE_DN, { objectClass: ["organizationalRole", "simpleSecurityObject"], cn: "vellum", userPassword: SERVICE_PASSWORD });
}
