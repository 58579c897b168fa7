import { test, after } from "node:test";
import assert from "node:assert/strict";
import { getConfig } from "@/lib/config";
import { closeTestConnections } from "@/lib/testing/factories";
import { db, searchPool, sqlPool } from "./index";
import { inTransaction, isTimeout } from "./transaction";

// Whatever a request sends, no statement holds a connection past the deadline (decision 0018).
after(closeTestConnections);

test("every connection of the app's pools carries the statement deadline", async () => {
  const expected = `${getConfig().DATABASE_STATEMENT_TIMEOUT_MS}ms`;
  for (const pool of [sqlPool(), searchPool()]) {
    const { rows } = await pool.query<{ t: string }>("SELECT current_setting('statement_timeout') AS t");
    const ms = rows[0]!.t.endsWith("s") && !rows[0]!.t.endsWith("ms") ? `${Number.parseFloat(rows[0]!.t) * 1000}ms` : rows[0]!.t;
    assert.equal(ms, expected);
  }
});

test("a statement past the deadline is cancelled, through Prisma and through pg, and recognised as a timeout", async () => {
  const seconds = getConfig().DATABASE_STATEMENT_TIMEOUT_MS / 1000 + 5;
  await assert.rejects(db().$queryRawUnsafe(`SELECT pg_sleep(${seconds})`), (e: unknown) => isTimeout(e));
  await assert.rejects(sqlPool().query(`SELECT pg_sleep(${seconds})`), (e: unknown) => isTimeout(e));
  await assert.rejects(inTransaction((tx) => tx.$queryRawUnsafe(`SELECT pg_sleep(${seconds})`)), (e: unknown) => isTimeout(e));
  assert.equal(isTimeout(new Error("unique constraint")), false);
  // the pool is still usable afterwards
  assert.deepEqual(await db().$queryRaw`SELECT 1 AS one`, [{ one: 1 }]);
});
