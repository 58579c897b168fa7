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
