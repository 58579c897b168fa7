import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

// Each case in a fresh process: the configuration is read once per process.
function configOf(env: Record<string, string>) {
  const code = `import("@/lib/config").then(({ getConfig }) => { try { const c = getConfig(); console.log(JSON.stringify({ memcache: c.MEMCACHE_SERVERS ?? null, port: c.PORT })); } catch (e) { console.log(JSON.stringify({ error: String(e) })); } })`;
  const result = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "--input-type=module", "-e", code], {
    env: { PATH: process.env.PATH, NODE_ENV: "test", DATABASE_URL: "postgresql://u:p@127.0.0.1:1/x", ...env } as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as { memcache?: string | null; port?: number; error?: string };
}

test("an empty variable means unset, for any variable; a bad one is still named", () => {
  assert.deepEqual(configOf({ MEMCACHE_SERVERS: "", PORT: "" }), { memcache: null, port: 3000 });
  assert.deepEqual(configOf({ MEMCACHE_SERVERS: "127.0.0.1:11311" }), { memcache: "127.0.0.1:11311", port: 3000 });
  assert.match(configOf({ MEMCACHE_SERVERS: "a b" }).error ?? "", /MEMCACHE_SERVERS/);
});

test("organisation sign-in settings that only work together are refused together", () => {
  assert.match(configOf({ OIDC_ISSUER: "https://id.example.test" }).error ?? "", /OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together/);
  assert.match(configOf({ LDAP_URL: "ldap://127.0.0.1:389" }).error ?? "", /LDAP_USER_BASE/);
  assert.match(configOf({ LOCAL_SIGN_IN: "off" }).error ?? "", /LOCAL_SIGN_IN: off needs OIDC_\* or LDAP_URL/);
  assert.match(configOf({ LDAP_URL: "http://ldap.example.test" }).error ?? "", /LDAP_URL/);
  assert.equal(configOf({ LOCAL_SIGN_IN: "off", LDAP_URL: "ldaps://ldap.example.test", LDAP_USER_BASE: "ou=people,dc=example" }).error, undefined);
});
