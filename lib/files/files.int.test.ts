import { test } from "node:test";
import assert from "node:assert/strict";
import sharp from "sharp";
import { db } from "@/lib/db";
import { isCode, newPage, testPeople, unique } from "@/lib/testing/factories";
import { deletePage, movePage, restorePage } from "@/lib/wiki/page-lifecycle";
import { getPageViewOrThrow } from "@/lib/wiki/page-reads";
import { savePage } from "@/lib/wiki/save";
import { searchPages } from "@/lib/wiki/search";
import { setWatch } from "@/lib/wiki/watches";
import { listRecentChanges } from "@/lib/wiki/changes";
import { BLOB_CHUNK_BYTES } from "./storage";
import { holdsTestLocation, jpegWithLocation, pngClaiming } from "@/lib/testing/images";
import { getFileOrThrow, getFileWithVersions, mediaVersion } from "./reads";
import { revertFile, uploadFile } from "./uploads";
import { mediaResponse } from "./serve";
import { PUBLIC_ACCESS } from "@/lib/auth/access";

const people = testPeople({ editor: "editor", admin: "admin", watcher: "editor" });

const bodyOf = (bytes: Buffer | string) => new Blob([typeof bytes === "string" ? Buffer.from(bytes) : new Uint8Array(bytes)]).stream();

function upload(title: string, bytes: Buffer | string, opts: { summary?: string; author?: typeof people.editor; ifNoneMatch?: boolean } = {}) {
  const buf = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  return uploadFile({ title, body: bodyOf(buf), declaredLength: buf.length, summary: opts.summary, author: opts.author ?? people.editor, ifNoneMatch: opts.ifNoneMatch });
}

/** A PNG of `width` x `height` pixels; `noise` makes its bytes large and unique. */
async function png(width: number, height: number, { noise = false, colour = "#3a6" } = {}): Promise<Buffer> {
  if (!noise) return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(Math.random() * 256);
  return sharp(raw, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

const fileTitle = (ext: string) => `File:${unique("F")}.${ext}`;

/** How the view of `title` shows `file`: the image's width x height, "red", "link" or "absent". */
async function embedOf(title: string, file: string): Promise<string> {
  const { html } = await getPageViewOrThrow(title, PUBLIC_ACCESS);
  const slug = file.replaceAll(" ", "_");
  const img = new RegExp(`<a class="image" href="/wiki/${slug}"><img src="[^"]+" alt="[^"]*" width="(\\d+)" height="(\\d+)"`).exec(html);
  if (img) return `${img[1]}x${img[2]}`;
  if (new RegExp(`<a class="new" href="/upload/${slug}"`).test(html)) return "red";
  if (new RegExp(`<a class="file-link" href="/file/${slug}"`).test(html)) return "link";
  return "absent";
}

test("types come from the bytes: a name whose extension disagrees, HTML, scripts and unknown bytes are 400s naming the type; nothing is stored", async () => {
  const blobs = await db().blob.count();
  const image = await png(4, 3);
  await assert.rejects(upload(fileTitle("gif"), image), (e: Error) => isCode("bad_request")(e) && /image\/png/.test(e.message));
  await assert.rejects(upload(fileTitle("png"), "<!DOCTYPE html><html><script>alert(1)</script></html>"), (e: Error) => /text\/html/.test(e.message));
  await assert.rejects(upload(fileTitle("png"), "<script>alert(1)</script>"), (e: Error) => /text\/html/.test(e.message));
  await assert.rejects(upload(fileTitle("txt"), "#!/bin/sh\nrm -rf /\n"), (e: Error) => /application\/x-sh/.test(e.message));
  await assert.rejects(upload(fileTitle("txt"), Buffer.from([0x00, 0xff, 0x10, 0x80, 0x00])), (e: Error) => /octet-stream/.test(e.message));
  await assert.rejects(upload(fileTitle("exe"), Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200)])), isCode("bad_request"));
  await assert.rejects(upload(`File:${unique("noext")}`, image), isCode("bad_request"));
  await assert.rejects(upload(unique("Not a file") + ".png", image), isCode("bad_request"));
  await assert.rejects(upload(fileTitle("png"), ""), isCode("bad_request"));
  assert.equal(await db().blob.count(), blobs, "nothing refused was stored");
  const pdf = await upload(fileTitle("PDF"), "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
  assert.equal(pdf.file.version.contentType, "application/pdf");
  assert.equal(pdf.file.version.width, null);
  const csv = await upload(fileTitle("csv"), "name,count\nÄpfel,3\n");
  assert.equal(csv.file.version.contentType, "text/csv");
  const txt = await upload(fileTitle("txt"), "plain words\n");
  assert.equal(txt.file.version.contentType, "text/plain");
});

test("SVGs with scripts, handlers, foreignObject, outside references or entities are refused; a plain drawing is kept with its size", async () => {
  const bad = [
    '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/x.png"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>',
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><rect',
  ];
  for (const svg of bad) await assert.rejects(upload(fileTitle("svg"), svg), isCode("bad_request"), svg);
  const ok = await upload(fileTitle("svg"), '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#c00"/><use href="#r"/></svg>');
  assert.deepEqual([ok.file.version.contentType, ok.file.version.width, ok.file.version.height], ["image/svg+xml", 40, 20]);
});

test("an image whose header claims more pixels than UPLOAD_MAX_PIXELS is refused before anything decodes it", async () => {
  const bomb = pngClaiming(100_000, 100_000);
  await assert.rejects(upload(fileTitle("png"), bomb), (e: Error) => isCode("bad_request")(e) && /100000 x 100000/.test(e.message));
});

test("the same bytes under two names are stored once, in chunks, and served whole and in ranges from either", async () => {
  const bytes = await png(400, 300, { noise: true });
  assert.ok(bytes.length > BLOB_CHUNK_BYTES, "large enough for several chunks");
  const a = await upload(fileTitle("png"), bytes);
  const b = await upload(fileTitle("png"), bytes);
  assert.equal(a.status, "created");
  assert.equal(a.file.version.sha256, b.file.version.sha256);
  assert.equal(await db().blob.count({ where: { sha256: a.file.version.sha256 } }), 1);
  assert.equal(await db().blobChunk.count({ where: { sha256: a.file.version.sha256 } }), Math.ceil(bytes.length / BLOB_CHUNK_BYTES));
  const whole = await mediaResponse(new Request(`http://wiki${b.file.url}`), b.file.version.id, PUBLIC_ACCESS);
  assert.equal(whole.status, 200);
  assert.ok(Buffer.from(await whole.arrayBuffer()).equals(bytes), "the bytes come back as they went in");
  const from = BLOB_CHUNK_BYTES - 10;
  const ranged = await mediaResponse(new Request(`http://wiki${a.file.url}`, { headers: { Range: `bytes=${from}-${from + 99}` } }), a.file.version.id, PUBLIC_ACCESS);
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get("content-range"), `bytes ${from}-${from + 99}/${bytes.length}`);
  assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(from, from + 100)), "a range across two chunks");
  const unchanged = await upload(a.file.title, bytes);
  assert.equal(unchanged.status, "unchanged");
});

test("two uploads to one new name at once are both kept, numbered in order; a revert adds a version with the old bytes", async () => {
  const title = fileTitle("png");
  const [one, two] = [await png(10, 10, { colour: "#111" }), await png(20, 10, { colour: "#222" })];
  const results = await Promise.all([upload(title, one), upload(title, two)]);
  assert.deepEqual(results.map((r) => r.status).sort(), ["created", "updated"]);
  const { versions } = await getFileWithVersions(title, { limit: 10 }, PUBLIC_ACCESS);
  assert.deepEqual(versions.map((v) => v.number), [2, 1]);
  assert.notEqual(versions[0]!.sha256, versions[1]!.sha256);
  const reverted = await revertFile({ title, versionId: versions[1]!.id, author: people.editor });
  assert.equal(reverted.status, "updated");
  assert.equal(reverted.file.version.number, 3);
  assert.equal(reverted.file.version.sha256, versions[1]!.sha256);
  assert.equal((await revertFile({ title, versionId: versions[1]!.id, author: people.editor })).status, "unchanged");
  await assert.rejects(upload(title, await png(30, 10), { ifNoneMatch: true }), isCode("precondition_failed"), "If-None-Match: * never replaces another file");
});

test("uploads, new versions, reverts, moves, deletes and restores change every page that shows the file, at once", async () => {
  const file = fileTitle("png");
  const reader = await newPage(people.editor, `A picture: [[${file}|Our map]]\n`);
  assert.equal(await embedOf(reader.title, file), "red", "a missing file is a red link to its upload form");
  await upload(file, await png(1000, 500));
  assert.equal(await embedOf(reader.title, file), "800x400", "shown at the display width, in proportion");
  const two = await upload(file, await png(300, 600));
  assert.equal(await embedOf(reader.title, file), "300x600", "a new version shows at once");
  const first = (await getFileWithVersions(file, { limit: 5 }, PUBLIC_ACCESS)).versions.at(-1)!;
  await revertFile({ title: file, versionId: first.id, author: people.editor });
  assert.equal(await embedOf(reader.title, file), "800x400");
  await deletePage({ title: file, reason: "test", author: people.admin });
  assert.equal(await embedOf(reader.title, file), "red");
  assert.equal(await mediaVersion(two.file.version.id), null, "a deleted file's URLs answer 404");
  await restorePage({ title: file, author: people.admin });
  assert.equal(await embedOf(reader.title, file), "800x400");
  assert.ok(await mediaVersion(two.file.version.id));
  const moved = fileTitle("png");
  await movePage({ from: file, to: moved, leaveRedirect: true, author: people.editor });
  assert.equal(await embedOf(reader.title, file), "800x400", "an embed of a moved file follows the redirect left behind");
  await upload(moved, await png(100, 100));
  assert.equal(await embedOf(reader.title, file), "100x100", "and shows the new versions of the file it leads to");
  const pdf = fileTitle("pdf");
  const other = await newPage(people.editor, `[[${pdf}]]\n`);
  await upload(pdf, "%PDF-1.4\n%%EOF\n");
  assert.equal(await embedOf(other.title, pdf), "link", "a file that is not an image is a link to it");
});

test("a File page lists the pages that use it, kept current as pages start and stop showing it", async () => {
  const file = fileTitle("png");
  await upload(file, await png(5, 5));
  const user = await newPage(people.editor, `![x](${file.replaceAll(" ", "_")})\n`);
  const panel = async () => (await getPageViewOrThrow(file, PUBLIC_ACCESS)).file?.usedOn.map((p) => p.title) ?? [];
  assert.deepEqual(await panel(), [user.title]);
  await savePage({ title: user.title, markdown: "No picture now.\n", baseRevisionId: user.revision.id, author: people.editor });
  assert.deepEqual(await panel(), []);
});

test("uploads are in the page's history and recent changes (kind upload), mail its watchers, and are found by name and description", async () => {
  const word = unique("zebrafish").replace("-", "");
  const file = `File:${word} chart.png`;
  await upload(file, await png(6, 6), { summary: `Spawning season of the ${word}-striped kind` });
  const changes = await listRecentChanges({ limit: 20, kind: "upload" }, PUBLIC_ACCESS);
  assert.ok(changes.changes.some((c) => c.page.title === file && c.kind === "upload"));
  await setWatch(people.watcher.id, file, true, PUBLIC_ACCESS);
  await upload(file, await png(7, 7));
  const mail = await db().outboxMessage.findMany({ where: { toAddress: { contains: people.watcher.username.toLowerCase() } } });
  assert.ok(mail.some((m) => m.subject.includes(file) && m.subject.includes("uploaded")), "the watcher is told");
  const found = await searchPages(`${word} chart`, { limit: 5, offset: 0 }, PUBLIC_ACCESS);
  assert.equal(found.results[0]?.title, file, "found by its name");
  const byText = await searchPages(`spawning season ${word}`, { limit: 5, offset: 0 }, PUBLIC_ACCESS);
  assert.ok(byText.results.some((r) => r.title === file), "and by its description");
});

test("display sizes are made once from the ladder, turned upright, with no metadata (no location), and kept", async () => {
  const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#46a" } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD0: { Make: "Camera" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .toBuffer();
  assert.ok((await sharp(jpeg).metadata()).exif, "the original carries EXIF (orientation, camera, location)");
  const { file } = await upload(fileTitle("jpg"), jpeg);
  assert.deepEqual([file.version.width, file.version.height], [200, 300], "the size as shown: EXIF orientation applied");
  const res = await mediaResponse(new Request(`http://wiki${file.url}?width=150`), file.version.id, PUBLIC_ACCESS);
  assert.equal(res.status, 200);
  const out = Buffer.from(await res.arrayBuffer());
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ["jpeg", 120, 180], "the largest ladder width not over 150, upright");
  assert.equal(meta.exif, undefined, "no EXIF block: no camera, no location");
  assert.equal(await db().derivedImage.count({ where: { sha256: file.version.sha256 } }), 1, "kept");
  const again = await mediaResponse(new Request(`http://wiki${file.url}?width=150`), file.version.id, PUBLIC_ACCESS);
  assert.ok(Buffer.from(await again.arrayBuffer()).equals(out));
  const original = await mediaResponse(new Request(`http://wiki${file.url}?width=5000`), file.version.id, PUBLIC_ACCESS);
  assert.equal(original.headers.get("etag"), `"${file.version.sha256}"`, "never wider than the original: the original itself");
  await assert.rejects(mediaResponse(new Request(`http://wiki${file.url}?width=abc`), file.version.id, PUBLIC_ACCESS), isCode("bad_request"));
});

test("an original loses where the photo was taken at upload, and keeps its orientation and pixels", async () => {
  const plain = await sharp({ create: { width: 64, height: 40, channels: 3, background: "#a64" } }).jpeg().toBuffer();
  const photo = jpegWithLocation(plain);
  const { file } = await upload(fileTitle("jpg"), photo);
  const res = await mediaResponse(new Request(`http://wiki${file.url}`), file.version.id, PUBLIC_ACCESS);
  const original = Buffer.from(await res.arrayBuffer());
  assert.ok(!holdsTestLocation(original), "the stored original holds no position");
  assert.equal(original.length, photo.length, "taken out without re-encoding");
  assert.equal((await sharp(original).metadata()).orientation, 6, "the orientation stays");
  assert.deepEqual([file.version.width, file.version.height], [40, 64], "shown upright");
  assert.equal(file.version.size, original.length);
  // the same photo again is the same stored bytes: the hash names what was kept, not what was sent
  const again = await upload(fileTitle("jpg"), photo);
  assert.equal(again.file.version.sha256, file.version.sha256);
});

test("protection, roles and blocks apply to uploads as to edits", async () => {
  const someone = people.watcher;
  await assert.rejects(upload(fileTitle("png"), await png(3, 3), { author: { ...someone, role: "reader" } }), isCode("forbidden"));
  await assert.rejects(upload(fileTitle("png"), await png(3, 3), { author: { ...someone, blocked: true } }), isCode("forbidden"));
  const file = fileTitle("png");
  await upload(file, await png(3, 3));
  await db().page.update({ where: { title: file }, data: { protection: "admin" } });
  await assert.rejects(upload(file, await png(4, 4)), isCode("forbidden"));
  assert.equal((await upload(file, await png(4, 4), { author: people.admin })).status, "updated");
  assert.equal((await getFileOrThrow(file, PUBLIC_ACCESS)).version.number, 2);
});

test("a page written at a File: title before any upload gets its first file as a new file (201), shown at once where it is embedded", async () => {
  const file = fileTitle("png");
  await newPage(people.editor, "A description written first.\n", file);
  const embedding = await newPage(people.editor, `[[${file}]]\n`);
  assert.equal(await embedOf(embedding.title, file), "red");
  const first = await upload(file, await png(12, 8));
  assert.equal(first.status, "created");
  assert.equal(await embedOf(embedding.title, file), "12x8");
  assert.match((await getPageViewOrThrow(file, PUBLIC_ACCESS)).html, /A description written first/);
});
