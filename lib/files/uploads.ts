import "server-only";
import { inTransaction, type Tx } from "@/lib/db/transaction";
import { db } from "@/lib/db";
import { assertCanEdit } from "@/lib/auth/permissions";
import { ADMIN_ACCESS, assertSpaceAllowsEdit } from "@/lib/auth/access";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { FILE_PREFIX } from "@/lib/markdown/render";
import { renderBounded } from "@/lib/markdown/render-pool";
import { wakeMailWorker } from "@/lib/mail/worker";
import { copyRender, keepRender } from "@/lib/wiki/revisions";
import { bumpBacklinks, linkTargets, lockTitles } from "@/lib/wiki/links";
import { insertRevision, lockPage, revisionWithText, setPageState, type Actor } from "@/lib/wiki/page-writes";
import { assertAcceptable, detectType, extensionOf, isTextType, type Detected } from "./types";
import { assertHarmlessSvg } from "./svg";
import { derivedImage, imageSize } from "./images";
import { blobExists, discard, isUtf8Text, receiveUpload, storeBlob, type Received } from "./storage";
import { withoutLocation } from "./location";
import { getFileOrThrow, type FileInfo } from "./reads";
import { displayWidthToMake, fileNameOf, isImage, RASTER_TYPES } from "./urls";

// Uploading a file to a File: page: a first file, a new version, or a revert to an earlier version. Each is a
// revision of the page (kind "upload": history, recent changes, watchers' mail) and a file version, written in
// one transaction after the bytes are received, checked and stored (docs/decisions/0020-files.md).

export type UploadResult = { status: "created" | "updated" | "unchanged"; file: FileInfo };

/** Uploads one person may have in flight on one instance at once (each holds a temporary file and a connection now and then). */
const MAX_CONCURRENT_PER_PERSON = 4;
const inFlight = new Map<string, number>();

/** The name part of a File: title, which must end in an extension (400 otherwise). */
export function assertFileTitle(title: string): string {
  if (!title.startsWith(FILE_PREFIX)) throw new AppError("bad_request", `Files live at titles that start with "${FILE_PREFIX}" (e.g. File:Site map.png)`);
  const name = fileNameOf(title);
  // a name may hold "/" like any title (a space's files are File:<space>/...); its last segment is the download's
  if (!extensionOf(name)) {
    throw new AppError("bad_request", `A file name must end in an extension that says its type, e.g. "${FILE_PREFIX}Site map.png"`);
  }
  return name;
}

/** 429 when `author` has uploaded UPLOAD_RATE_PER_MINUTE files in the last minute. */
async function assertNotTooFast(tx: Tx | ReturnType<typeof db>, author: Actor) {
  const recent = await tx.fileVersion.count({ where: { authorId: author.id, createdAt: { gt: new Date(Date.now() - 60_000) } } });
  if (recent >= getConfig().UPLOAD_RATE_PER_MINUTE) {
    throw new AppError("rate_limited", `You have uploaded ${recent} files in the last minute; wait a moment and try again`);
  }
}

/**
 * Upload `body` as the file of `title`: 201 created (a new File: page, its description the summary), 200 a new
 * version, or unchanged when the bytes equal the current version's. `ifNoneMatch`: only when the title holds no
 * other file (412 otherwise): the editor uses it so that a dropped file never replaces someone else's.
 */
export async function uploadFile(req: {
  title: string;
  body: ReadableStream<Uint8Array> | null;
  declaredLength: number;
  summary?: string;
  author: Actor;
  ifNoneMatch?: boolean;
}): Promise<UploadResult> {
  const name = assertFileTitle(req.title);
  assertCanEdit(req.author);
  const existing = await db().page.findUnique({ where: { title: req.title }, select: { protection: true, latestRevisionId: true } });
  if (existing?.latestRevisionId) assertCanEdit(req.author, existing.protection); // early, before any byte is read; again under the lock
  await assertSpaceAllowsEdit(db(), req.title, req.author);
  await assertNotTooFast(db(), req.author);
  const running = inFlight.get(req.author.id) ?? 0;
  if (running >= MAX_CONCURRENT_PER_PERSON) throw new AppError("rate_limited", "You are already uploading files; wait for them to finish");
  inFlight.set(req.author.id, running + 1);
  let received: Received | null = null;
  try {
    received = await receiveUpload(req.body, req.declaredLength, getConfig().UPLOAD_MAX_BYTES);
    received = await inspectAndStore(received, name);
    const description = req.summary ?? "";
    const rendered = await renderBounded(description);
    const result = await inTransaction((tx) => recordUpload(tx, { ...req, sha256: received!.sha256, description, rendered }));
    if (result.status !== "unchanged") wakeMailWorker();
    const file = await getFileOrThrow(req.title, ADMIN_ACCESS);
    warmDisplaySize(file.version);
    return { status: result.status, file };
  } finally {
    if (received) await discard(received.file);
    const left = (inFlight.get(req.author.id) ?? 1) - 1;
    if (left > 0) inFlight.set(req.author.id, left);
    else inFlight.delete(req.author.id);
  }
}

/**
 * Make the size pages show an image at now, in the background, so the first reader of a page that shows it does not
 * wait for it (the other ladder widths are made when first asked for).
 */
function warmDisplaySize(v: FileInfo["version"]): void {
  const width = isImage(v) ? displayWidthToMake(v) : null;
  if (width === null) return;
  derivedImage({ sha256: v.sha256, size: v.size, contentType: v.contentType }, width).catch((e: unknown) => {
    console.warn(`[vellum] could not make the display size of ${v.sha256}:`, e instanceof Error ? e.message : e);
  });
}

/**
 * Check what was received (its type from the bytes, the name's extension, and for images their size) and store it,
 * unless the same bytes are stored already: then they were checked when first stored, and only the name must agree.
 */
async function inspectAndStore(received: Received, name: string): Promise<Received> {
  const detected = await detectType(received.file, extensionOf(name));
  assertAcceptable(detected, name);
  // where a photo was taken is taken out before the bytes are named by their hash (UPLOAD_KEEP_LOCATION)
  const kept = await withoutLocation(received, detected.contentType);
  if (await blobExists(kept.sha256)) return kept;
  await storeBlob(kept, await inspect(kept, detected));
  return kept;
}

/** What new bytes of the detected type are: text checked whole, SVGs checked harmless, images measured. */
async function inspect(received: Received, detected: Detected): Promise<{ contentType: string; width: number | null; height: number | null }> {
  if (isTextType(detected.contentType) && !(await isUtf8Text(received.file))) {
    throw new AppError("bad_request", `This file is named as ${detected.label} but is not valid UTF-8 text throughout`);
  }
  if (detected.contentType === "image/svg+xml") {
    await assertHarmlessSvg(received.file);
    const size = await imageSize(received.file).catch(() => null);
    return { contentType: detected.contentType, width: size?.width ?? null, height: size?.height ?? null };
  }
  if (RASTER_TYPES.has(detected.contentType)) {
    const { width, height } = await imageSize(received.file);
    return { contentType: detected.contentType, width, height };
  }
  return { contentType: detected.contentType, width: null, height: null };
}

type Recording = {
  title: string;
  sha256: string;
  description: string;
  rendered: Awaited<ReturnType<typeof renderBounded>>;
  summary?: string;
  author: Actor;
  ifNoneMatch?: boolean;
};

/** The upload's revision and file version, in the transaction; the page is created when the title has none. */
async function recordUpload(tx: Tx, req: Recording): Promise<{ status: UploadResult["status"] }> {
  // what every embed of this title shows changes: taken exclusively, like a page's creation (decision 0016)
  await lockTitles(tx, { exclusive: [req.title], shared: linkTargets(req.rendered.rendered.links) });
  let page = await lockPage(tx, req.title);
  await assertSpaceAllowsEdit(tx, req.title, req.author);
  let current: string | null = null;
  if (page?.latest_revision_id) {
    assertCanEdit(req.author, page.protection);
    current = await currentSha(tx, page.id);
    if (current === req.sha256) return { status: "unchanged" };
    if (current !== null && req.ifNoneMatch) {
      throw new AppError("precondition_failed", `${req.title} already holds another file; choose another name`);
    }
  }
  await assertNotTooFast(tx, req.author);
  const created = !page?.latest_revision_id; // a new page (an existing page without a file gets its first one)
  if (!page || !page.latest_revision_id) {
    await tx.$executeRaw`INSERT INTO pages (title) VALUES (${req.title}) ON CONFLICT (title) DO NOTHING`;
    page = await lockPage(tx, req.title);
    if (!page) throw new Error("page row vanished after insert");
  }
  const latest = page.latest_revision_id ? await revisionWithText(tx, page.latest_revision_id) : null;
  const summary = req.summary ?? "";
  const revision = await insertRevision(tx, page.id, latest, {
    title: req.title,
    markdown: latest ? latest.markdown : req.description,
    summary,
    author: req.author,
    kind: "upload",
  });
  if (latest) await copyRender(tx, latest.id, revision.id);
  else {
    await keepRender(tx, revision.id, req.rendered);
    await setPageState(tx, page.id, req.title, req.rendered.rendered.html, linkTargets(req.rendered.rendered.links), null, true);
  }
  await addVersion(tx, page.id, req.sha256, req.title, req.author, summary, revision.id);
  if (!created) await bumpBacklinks(tx, [req.title]); // a new page's creation bumped them already
  return { status: current === null ? "created" : "updated" };
}

async function currentSha(tx: Tx, pageId: number): Promise<string | null> {
  const rows = await tx.$queryRaw<{ sha256: string }[]>`
    SELECT v.sha256 FROM pages p JOIN file_versions v ON v.id = p.file_version_id WHERE p.id = ${pageId}`;
  return rows[0]?.sha256 ?? null;
}

/** Insert the page's next file version and make it current. */
async function addVersion(tx: Tx, pageId: number, sha256: string, title: string, author: Actor, summary: string, revisionId: number) {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO file_versions (page_id, number, sha256, name, author_id, summary, revision_id)
    SELECT ${pageId}, coalesce(max(number), 0) + 1, ${sha256}, ${fileNameOf(title)}, ${author.id}, ${summary}, ${revisionId}
    FROM file_versions WHERE page_id = ${pageId}
    RETURNING id`;
  await tx.$executeRaw`UPDATE pages SET file_version_id = ${rows[0]!.id} WHERE id = ${pageId}`;
}

/**
 * Make an earlier version's bytes current again: a new version (and revision) with them, so the history only
 * grows. 200 with the file; unchanged when they are current already.
 */
export async function revertFile(req: { title: string; versionId: number; summary?: string; author: Actor }): Promise<UploadResult> {
  assertFileTitle(req.title);
  assertCanEdit(req.author);
  const status = await inTransaction(async (tx) => {
    await lockTitles(tx, { exclusive: [req.title] });
    const page = await lockPage(tx, req.title);
    if (!page?.latest_revision_id) throw new AppError("not_found", `There is no file called "${req.title}"`);
    assertCanEdit(req.author, page.protection);
    await assertSpaceAllowsEdit(tx, req.title, req.author);
    const version = await tx.fileVersion.findFirst({ where: { id: req.versionId, pageId: page.id }, select: { number: true, sha256: true } });
    if (!version) throw new AppError("not_found", `Version ${req.versionId} is not a version of "${req.title}"`);
    if ((await currentSha(tx, page.id)) === version.sha256) return "unchanged" as const;
    await assertNotTooFast(tx, req.author);
    const latest = await revisionWithText(tx, page.latest_revision_id);
    const summary = req.summary || `Reverted the file to version ${version.number}`;
    const revision = await insertRevision(tx, page.id, latest, { title: req.title, markdown: latest.markdown, summary, author: req.author, kind: "upload" });
    await copyRender(tx, latest.id, revision.id);
    await addVersion(tx, page.id, version.sha256, req.title, req.author, summary, revision.id);
    await bumpBacklinks(tx, [req.title]);
    return "updated" as const;
  });
  if (status === "updated") wakeMailWorker();
  return { status, file: await getFileOrThrow(req.title, ADMIN_ACCESS) };
}
