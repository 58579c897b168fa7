import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { sqlPool } from "@/lib/db";
import { AppError } from "@/lib/errors";

/**
 * File bytes in PostgreSQL (docs/decisions/0020-files.md): a blob is addressed by its SHA-256 and stored once, in
 * chunks of BLOB_CHUNK_BYTES, so every instance serves every file with no shared disk, a backup of the database
 * holds them, and no request holds more than a chunk in memory. An upload is received into a temporary file of
 * this instance first (hashed and counted as it arrives), checked there, and only then copied in, chunk by chunk.
 */

export const BLOB_CHUNK_BYTES = 256 * 1024;

/** An upload received whole into a temporary file. */
export type Received = { file: string; size: number; sha256: string };

/**
 * Where uploads wait while they are checked: on disk beside the wiki's other working files (.data/), not in the OS
 * temporary directory, which is memory on systems that mount /tmp as tmpfs (Debian 13 does).
 */
const TEMP_DIR = path.join(process.cwd(), ".data", "uploads-in-progress");
/** Files left there by an instance that died mid-upload are removed at start once this old. */
const STALE_MS = 24 * 60 * 60 * 1000;

/** Remove uploads a dead instance left behind (a day old: never one in progress). Never fails. */
export async function removeStaleUploads(): Promise<void> {
  const names = await readdir(TEMP_DIR).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(TEMP_DIR, name);
    const info = await stat(file).catch(() => null);
    if (info && Date.now() - info.mtimeMs > STALE_MS) await discard(file);
  }
}

/**
 * Receive a request body into a temporary file: counted as it arrives (past `limit` the rest is not read: 413),
 * hashed on the way. An empty body is a 400. The caller removes the file (`discard`).
 */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, declaredLength: number, limit: number): Promise<Received> {
  if (declaredLength > limit) throw tooLarge(limit);
  if (!body) throw new AppError("bad_request", "The request has no body: send the file's bytes");
  const hash = createHash("sha256");
  let size = 0;
  const reader = body.getReader();
  async function* counted(): AsyncGenerator<Uint8Array> {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw new AppError("bad_request", "The upload was cut off before its end");
      }
      if (chunk.done) return;
      size += chunk.value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      hash.update(chunk.value);
      yield chunk.value;
    }
  }
  const file = await writeTempFile(counted());
  if (size === 0) {
    await discard(file);
    throw new AppError("bad_request", "The file is empty");
  }
  return { file, size, sha256: hash.digest("hex") };
}

/**
 * Write `chunks` into a new file in TEMP_DIR (waiting whenever the disk is behind) and return its path; on any
 * failure, the chunks' own included, the file is removed and the error passed on.
 */
async function writeTempFile(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  await mkdir(TEMP_DIR, { recursive: true, mode: 0o700 });
  const file = path.join(TEMP_DIR, randomUUID());
  const out = createWriteStream(file, { mode: 0o600 });
  try {
    for await (const chunk of chunks) {
      if (!out.write(chunk)) await once(out, "drain"); // rejects (and removes its listeners) on an error
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return file;
  } catch (e) {
    out.destroy();
    await discard(file);
    throw e;
  }
}

function tooLarge(limit: number) {
  return new AppError("payload_too_large", `Files may be at most ${Math.floor(limit / 1024 / 1024) || 1} MiB (UPLOAD_MAX_BYTES)`);
}

/** Remove a temporary file (never fails). */
export async function discard(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => {});
}

/** Is every byte of the file valid UTF-8 text without NUL? Read in a stream, so any size costs a chunk of memory. */
export async function isUtf8Text(file: string): Promise<boolean> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: BLOB_CHUNK_BYTES })) {
      if ((chunk as Buffer).includes(0)) return false;
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** Is a blob with these bytes stored already? */
export async function blobExists(sha256: string): Promise<boolean> {
  const { rows } = await sqlPool().query({ name: "vellum-blob-exists", text: "SELECT 1 FROM blobs WHERE sha256 = $1", values: [sha256] });
  return rows.length > 0;
}

/**
 * Copy a received file into PostgreSQL (the caller found no blob with these bytes: one copy of the bytes, however
 * many pages hold them). One short statement per chunk, then the blob row, which says the bytes are whole. Two
 * uploads of the same bytes at once write the same chunks; both succeed.
 */
export async function storeBlob(received: Received, meta: { contentType: string; width: number | null; height: number | null }): Promise<void> {
  const handle = await open(received.file, "r");
  try {
    const buffer = Buffer.alloc(BLOB_CHUNK_BYTES);
    for (let n = 0, at = 0; at < received.size; n++, at += BLOB_CHUNK_BYTES) {
      const { bytesRead } = await handle.read(buffer, 0, BLOB_CHUNK_BYTES, at);
      await sqlPool().query(
        "INSERT INTO blob_chunks (sha256, n, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        [received.sha256, n, buffer.subarray(0, bytesRead)],
      );
    }
  } finally {
    await handle.close();
  }
  await sqlPool().query(
    `INSERT INTO blobs (sha256, size, content_type, width, height) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [received.sha256, received.size, meta.contentType, meta.width, meta.height],
  );
}

/**
 * The bytes `start`..`end` (inclusive) of a blob, a chunk at a time: each chunk is one short query, so a slow reader
 * holds no connection while it reads.
 */
export async function* readBlob(sha256: string, start: number, end: number): AsyncGenerator<Buffer> {
  for (let n = Math.floor(start / BLOB_CHUNK_BYTES); n * BLOB_CHUNK_BYTES <= end; n++) {
    const chunkStart = n * BLOB_CHUNK_BYTES;
    const from = Math.max(start, chunkStart) - chunkStart; // 0-based within the chunk
    const to = Math.min(end, chunkStart + BLOB_CHUNK_BYTES - 1) - chunkStart;
    const { rows } = await sqlPool().query<{ data: Buffer }>({
      name: "vellum-blob-chunk",
      text: "SELECT substring(data FROM $3 FOR $4) AS data FROM blob_chunks WHERE sha256 = $1 AND n = $2",
      values: [sha256, n, from + 1, to - from + 1],
    });
    const data = rows[0]?.data;
    if (!data) throw new Error(`blob ${sha256} has no chunk ${n}`);
    yield data;
  }
}

/** A blob's bytes written to a temporary file (for decoding an image without holding it in memory). */
export function blobToTempFile(sha256: string, size: number): Promise<string> {
  return writeTempFile(readBlob(sha256, 0, size - 1));
}
