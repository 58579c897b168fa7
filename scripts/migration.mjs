// Writing migrations without Prisma's native engine (docs/decisions/0002): Prisma's real schema engine, in its
// wasm build, compares prisma/schema.prisma with the migrations replayed in a shadow database and writes the SQL.
//   npm run migration:create -- <name>   write prisma/migrations/<timestamp>_<name>/migration.sql
//   npm run migration:check              fail when schema.prisma has changes no migration holds yet
// It needs a PostgreSQL server to make its shadow databases on: DATABASE_URL when set, else a throw-away embedded
// one in .data/migrations.
import "./lib/env.mjs"; // an empty variable is an unset one
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT, DATA, say } from "./lib/setup.mjs";
import { listMigrations, MIGRATIONS_DIR } from "./lib/migrate.mjs";

const SCHEMA = path.join(ROOT, "prisma/schema.prisma");
const LOCK_FILE = "migration_lock.toml";

/** The migrations the runner applies (scripts/lib/migrate.mjs), in the shape the engine reads them. */
function migrationsList() {
  const lock = path.join(MIGRATIONS_DIR, LOCK_FILE);
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: LOCK_FILE, content: existsSync(lock) ? readFileSync(lock, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: listMigrations().map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
    })),
  };
}

/** Instantiate the schema engine's wasm by hand (Node 20 cannot `import` a .wasm module). */
async function loadSchemaEngine() {
  const bgPath = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const dir = path.dirname(fileURLToPath(bgPath));
  const bg = await import(path.join(dir, "schema_engine_bg.js"));
  const wasm = new WebAssembly.Module(readFileSync(path.join(dir, "schema_engine_bg.wasm")));
  const instance = new WebAssembly.Instance(wasm, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  // the engine reports panics through this global, as the Prisma CLI defines it
  globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (m) => console.error("[schema engine panic]", m) };
  return bg.SchemaEngine;
}

/**
 * adapter-pg, as the engine's connection, with what it lacks for migrations:
 *  - a shadow database of its own: adapter-pg 7.10 would let a connection string override the shadow database's
 *    name (so the replay ran against the real database) and drops it while its pool is still open;
 *  - PostgreSQL's internal "char" type (oid 18) in the engine's catalogue queries, which adapter-pg refuses: read
 *    as text.
 */
async function engineAdapter(url) {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } = await import("@prisma/driver-adapter-utils");
  const shadows = new Set();
  const readCharAsText = (conn) => {
    const proto = Object.getPrototypeOf(Object.getPrototypeOf(conn));
    if (proto.vellumCharAsText) return conn;
    const { performIO, queryRaw } = proto;
    const charColumns = new WeakMap();
    proto.performIO = async function (query) {
      const res = await performIO.call(this, query);
      const at = [];
      (res.fields ?? []).forEach((f, i) => {
        if (f.dataTypeID === 18) {
          f.dataTypeID = 25;
          at.push(i);
        }
      });
      if (at.length) charColumns.set(res.rows, at);
      return res;
    };
    proto.queryRaw = async function (query) {
      const out = await queryRaw.call(this, query);
      for (const i of charColumns.get(out.rows) ?? []) out.columnTypes[i] = ColumnTypeEnum.Character;
      return out;
    };
    proto.vellumCharAsText = true;
    return conn;
  };
  class MigrationPg extends PrismaPg {
    async connect() {
      return readCharAsText(await super.connect());
    }
    async connectToShadowDb() {
      const main = await this.connect();
      const name = `vellum_shadow_${randomUUID().replaceAll("-", "")}`;
      shadows.add(name);
      await main.executeScript(`CREATE DATABASE "${name}"`);
      const shadow = await new MigrationPg({ ...this.config, database: name }).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await main.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        shadows.delete(name);
        await main.dispose();
      };
      return shadow;
    }
  }
  const u = new URL(url);
  const factory = new MigrationPg({
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
  });
  /** Drop shadow databases the engine left behind. */
  const dropLeftovers = async () => {
    if (!shadows.size) return;
    const conn = await factory.connect();
    for (const name of shadows) await conn.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await conn.dispose();
  };
  return { adapter: bindMigrationAwareSqlAdapterFactory(factory), dropLeftovers };
}

/** The SQL that takes the migrations' schema to schema.prisma's ("" when they agree). */
async function pendingSql(url) {
  const SchemaEngine = await loadSchemaEngine();
  const { adapter, dropLeftovers } = await engineAdapter(url);
  const schemaFiles = { files: [{ path: SCHEMA, content: readFileSync(SCHEMA, "utf8") }] };
  // pending wasm futures do not keep Node's event loop alive: without this the process would exit mid-await
  const keepAlive = setInterval(() => {}, 60_000);
  const engine = await SchemaEngine.new({ datamodels: [[SCHEMA, schemaFiles.files[0].content]] }, () => {}, adapter);
  try {
    const list = migrationsList();
    const result = await engine.diff({
      from: list.migrationDirectories.length ? { tag: "migrations", ...list } : { tag: "empty" },
      to: { tag: "schemaDatamodel", ...schemaFiles },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const sql = result.stdout ?? "";
    return /^-- This is an empty migration\./.test(sql.trim()) ? "" : sql;
  } finally {
    await dropLeftovers();
    clearInterval(keepAlive);
    engine.free?.();
  }
}

const [command, name] = process.argv.slice(2);
let stopServer = async () => {};
try {
  if (command !== "create" && command !== "check") throw new Error("usage: migration.mjs create <name> | check");
  if (command === "create" && !/^[a-z0-9_]{1,60}$/.test(name ?? "")) throw new Error("name the migration: lower-case letters, digits and _");
  let url = process.env.DATABASE_URL;
  if (!url) {
    const { startEmbeddedPostgres } = await import("./lib/postgres.mjs");
    const server = await startEmbeddedPostgres({ dir: path.join(DATA, "migrations"), port: Number(process.env.VELLUM_MIGRATIONS_PG_PORT ?? 54359), database: "postgres" });
    stopServer = server.stop;
    url = server.url;
  }
  const sql = await pendingSql(url);
  if (command === "check") {
    if (sql) throw new Error(`prisma/schema.prisma has changes no migration holds; run npm run migration:create -- <name>:\n${sql}`);
    say("schema.prisma and the migrations agree");
  } else if (!sql) {
    say("no changes: schema.prisma and the migrations already agree");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql);
    const lock = path.join(MIGRATIONS_DIR, LOCK_FILE);
    if (!existsSync(lock)) writeFileSync(lock, 'provider = "postgresql"\n');
    say(`wrote ${path.relative(ROOT, dir)}/migration.sql`);
  }
} catch (e) {
  console.error(`[vellum] ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  await stopServer();
  process.exit(process.exitCode ?? 0); // adapter-pg's pool would keep the loop alive
}
