import { test, after } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import { sqlPool } from "@/lib/db";
import { testPeople, unique } from "@/lib/testing/factories";
import { HOT_FILES_KEY } from "@/lib/http/names.js";
import { deletePage, restorePage } from "@/lib/wiki/page-lifecycle";
import { awaitAcknowledgements, stopCoherence } from "@/lib/cache/coherence";
import { hotFileCounters, installHotFiles, type HotFilesApi } from "./hot-files";
import { mediaResponse } from "./serve";
import { uploadFile } from "./uploads";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ editor: "editor", admin: "admin" });
after(stopCoherence);

const front = () => (globalThis as unknown as Record<symbol, HotFilesApi | undefined>)[HOT_FILES_KEY]!;

/** Wait until the subscription is up (as a request would: it is up within moments of start). */
async function listening(): Promise<void> {
  for (let i = 0; i < 200 && !hotFileCounters().listening; i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(hotFileCounters().listening, "the subscription comes up");
}

async function uploaded() {
  const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#a33" } }).png().toBuffer();
  const title = `File:${unique("Hot")}.png`;
  const { file } = await uploadFile({ title, body: new Blob([new Uint8Array(bytes)]).stream(), declaredLength: bytes.length, author: people.editor });
  return { title, file, bytes };
}

test("hot files: kept while subscribed, answered without the database, and dropped the moment their page is deleted", async () => {
  installHotFiles();
  await listening();
  const { title, file, bytes } = await uploaded();
  assert.equal(front().lookup(file.url), null, "nothing kept before it is read");
  await mediaResponse(new Request(`http://wiki${file.url}`), file.version.id, PUBLIC_ACCESS);
  const hot = front().lookup(file.url);
  assert.ok(hot?.body.equals(bytes), "kept after one read");
  assert.ok(hot?.headers.some(([k, v]) => k === "Content-Security-Policy" && v.includes("sandbox")));
  await deletePage({ title, reason: "test", author: people.admin });
  await awaitAcknowledgements(); // as the deleting request does after its commit (lib/http/route.ts)
  assert.equal(front().lookup(file.url), null, "gone when the deletion answers");
  const gone = await mediaResponse(new Request(`http://wiki${file.url}`), file.version.id, PUBLIC_ACCESS).catch((e: Error) => e);
  assert.ok(gone instanceof Error, "and the route answers 404");
  await restorePage({ title, author: people.admin });
  assert.equal((await mediaResponse(new Request(`http://wiki${file.url}`), file.version.id, PUBLIC_ACCESS)).status, 200);
});

test("hot files: an instance whose subscription is cut serves nothing from memory until it is back", async () => {
  installHotFiles();
  await listening();
  const { file } = await uploaded();
  await mediaResponse(new Request(`http://wiki${file.url}`), file.version.id, PUBLIC_ACCESS);
  assert.ok(front().lookup(file.url));
  await sqlPool().query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'vellum-coherence %' AND datname = current_database()`);
  for (let i = 0; i < 200 && hotFileCounters().listening; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(hotFileCounters().listening, false, "the cut is noticed");
  assert.equal(front().lookup(file.url), null, "and nothing is answered from memory meanwhile");
  await listening();
  assert.equal(front().lookup(file.url), null, "what was kept before the cut is not trusted after it");
  await mediaResponse(new Request(`http://wiki${file.url}`), file.version.id, PUBLIC_ACCESS);
  assert.ok(front().lookup(file.url), "kept again once subscribed");
});
