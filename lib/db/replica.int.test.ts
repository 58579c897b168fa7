import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { currentReadClients, fromCurrentReplica, replicaPool, standbyReadCounters } from "@/lib/db";
import { closeTestConnections, makeUser, newPage, type TestUser } from "@/lib/testing/factories";
import { savePage } from "@/lib/wiki/save";
import { diffRevisions, listHistory } from "@/lib/wiki/revisions";
import { listRecentChanges } from "@/lib/wiki/changes";
import { listContributions } from "@/lib/people/profiles";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

// Reads from a standby (decision 0026) against a real hot standby of the test PostgreSQL, streaming from it
// (`npm test` starts one: TEST_STANDBY_URL). The standby here is asynchronous, like a synchronous one that Patroni
// has just stopped waiting for: the case in which a list read there could miss a commit already acknowledged.

const standbyBase = process.env.TEST_STANDBY_URL;
const skip = standbyBase ? false : "no standby: the tests' PostgreSQL is TEST_DATABASE_URL's server, not the embedded one";
let standby: pg.Client;
let author: TestUser;

/** Poll `check` until it holds (10 s at most): replication is asynchronous here. */
async function until(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const standbyHas = async (revisionId: number) =>
  (await standby.query("SELECT 1 FROM revisions WHERE id = $1", [revisionId])).rowCount === 1;

before(async () => {
  if (!standbyBase) return;
  const own = new URL(process.env.DATABASE_URL!);
  const url = new URL(standbyBase);
  url.pathname = own.pathname;
  // read by the first getConfig(), which the first query below makes
  process.env.DATABASE_REPLICA_URL = url.toString();
  // this file's database reaches the standby once its creation is replayed
  await until("the standby has this file's database", async () => {
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      standby = client;
      return true;
    } catch {
      await client.end().catch(() => {});
      return false;
    }
  });
  author = await makeUser("editor");
});
after(async () => {
  if (standby) {
    await standby.query("SELECT pg_wal_replay_resume()").catch(() => {});
    await standby.end();
  }
  await closeTestConnections();
});

test("lists are read from the standby once it has everything already written", { skip }, async () => {
  const { title, revision } = await newPage(author, "first");
  await until("the standby is current", async () => (await currentReadClients()).pool === replicaPool());
  assert.ok(await standbyHas(revision.id));
  assert.deepEqual((await listHistory(title, { limit: 10 }, PUBLIC_ACCESS)).revisions.map((r) => r.id), [revision.id]);
  assert.ok(standbyReadCounters.lists > 0, "lists read on the standby are counted");
  // a read the standby fails (here: one only a primary can answer) is answered by the primary, and counted
  await until("a read the standby failed was answered by the primary", async () => {
    const failed = standbyReadCounters.failed;
    const { rows } = await fromCurrentReplica(({ pool }) => pool.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn"));
    assert.match(rows[0]!.lsn, /^[0-9A-F]+\/[0-9A-F]+$/);
    return standbyReadCounters.failed === failed + 1;
  });
});

test("a standby that lags behind an acknowledged save is passed over: the writer finds it in every list", { skip }, async () => {
  const { title, revision } = await newPage(author, "first");
  await until("the standby has the first revision", () => standbyHas(revision.id));
  await standby.query("SELECT pg_wal_replay_pause()");
  try {
    // the pause takes hold at the next WAL record it would replay: give it one (a transaction with an id)
    const primary = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await primary.connect();
    try {
      await until("replay is paused", async () => {
        await primary.query("SELECT pg_current_xact_id()");
        return (await standby.query("SELECT pg_get_wal_replay_pause_state() = 'paused' AS paused")).rows[0].paused;
      });
    } finally {
      await primary.end();
    }
    const second = await savePage({ title, markdown: "second", baseRevisionId: revision.id, author });
    const id = second.revision.id;
    assert.equal(await standbyHas(id), false, "the standby lags (the case under test)");
    const passedOver = standbyReadCounters.passedOver;
    assert.notEqual((await currentReadClients()).pool, replicaPool(), "lists go to the primary");
    assert.equal(standbyReadCounters.passedOver, passedOver + 1, "and the operator can see it (GET /api/cache/stats)");
    assert.equal((await listHistory(title, { limit: 10 }, PUBLIC_ACCESS)).revisions[0]?.id, id, "history");
    assert.ok((await listRecentChanges({ limit: 50 }, PUBLIC_ACCESS)).changes.some((c) => c.revisionId === id), "recent changes");
    assert.equal((await listContributions(author.username, { limit: 10 }, PUBLIC_ACCESS)).revisions[0]?.id, id, "contributions");
    assert.equal((await diffRevisions(revision.id, id, PUBLIC_ACCESS)).to.id, id, "a diff to the new revision");
  } finally {
    await standby.query("SELECT pg_wal_replay_resume()");
  }
  await until("the standby is current again", async () => (await currentReadClients()).pool === replicaPool());
});
