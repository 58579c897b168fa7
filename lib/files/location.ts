import "server-only";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename } from "node:fs/promises";
import { once } from "node:events";
import { crc32 } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { getConfig } from "@/lib/config";
import { discard, type Received } from "./storage";
import { gpsFreeTiff, jpegWithoutLocation } from "./location-bytes";

// Where a photo was taken is its owner's to share: a phone writes it into every picture (EXIF's GPS block, and
// XMP's exif:GPS… properties), and an original served as uploaded hands it to every reader. At upload, before the
// bytes are hashed and stored, it is taken out of the original without decoding or re-encoding a pixel: a JPEG's
// GPS block is emptied in place and an XMP packet that names a position is dropped; a PNG's eXIf and a WebP's EXIF
// chunk lose their GPS block in place (orientation and everything else stay). UPLOAD_KEEP_LOCATION=on keeps it.
// The derived sizes never carried metadata (lib/files/images.ts).

/** How much of a JPEG's start is read for its metadata segments (they come before the image data). */
const JPEG_HEAD_BYTES = 1024 * 1024;

/** The received file without location metadata (hashed and counted anew when anything was taken out). */
export async function withoutLocation(received: Received, contentType: string): Promise<Received> {
  if (getConfig().UPLOAD_KEEP_LOCATION === "on") return received;
  if (contentType === "image/jpeg") return jpeg(received);
  if (contentType === "image/png" || contentType === "image/webp") return (await chunksInPlace(received.file, contentType)) ? rehash(received) : received;
  return received;
}

async function jpeg(received: Received): Promise<Received> {
  const fd = await open(received.file, "r");
  let head: Buffer;
  try {
    head = Buffer.alloc(Math.min(received.size, JPEG_HEAD_BYTES));
    await fd.read(head, 0, head.length, 0);
  } finally {
    await fd.close();
  }
  const edited = jpegWithoutLocation(head);
  if (!edited) return received;
  // the new head, then the rest of the file as it was
  const next = `${received.file}.located`;
  const out = createWriteStream(next, { mode: 0o600 });
  try {
    if (!out.write(edited.head)) await once(out, "drain");
    if (edited.consumed < received.size) await pipeline(createReadStream(received.file, { start: edited.consumed }), out);
    else await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  } catch (e) {
    out.destroy();
    await discard(next);
    throw e;
  }
  await rename(next, received.file);
  return rehash(received);
}

/** Empty the GPS block of a PNG's eXIf or a WebP's EXIF chunk where it lies. Returns whether anything changed. */
async function chunksInPlace(file: string, contentType: string): Promise<boolean> {
  const fd = await open(file, "r+");
  try {
    const size = (await fd.stat()).size;
    const png = contentType === "image/png";
    let at = png ? 8 : 12;
    let changed = false;
    const header = Buffer.alloc(8);
    while (at + 8 <= size) {
      await fd.read(header, 0, 8, at);
      const length = png ? header.readUInt32BE(0) : header.readUInt32LE(4);
      const type = header.toString("latin1", png ? 4 : 0, png ? 8 : 4);
      const data = at + 8;
      if (data + length > size) break;
      if ((png && type === "eXIf") || (!png && type === "EXIF")) {
        if (length > 16 * 1024 * 1024) break;
        const bytes = Buffer.alloc(length);
        await fd.read(bytes, 0, length, data);
        // a WebP writer may put the JPEG's "Exif\0\0" before the TIFF header
        const tiff = bytes.subarray(0, 6).toString("latin1") === "Exif\0\0" ? bytes.subarray(6) : bytes;
        if (gpsFreeTiff(tiff)) {
          await fd.write(bytes, 0, length, data);
          if (png) {
            const crc = Buffer.alloc(4);
            crc.writeUInt32BE(crc32(bytes, crc32(Buffer.from(type, "latin1"))) >>> 0);
            await fd.write(crc, 0, 4, data + length);
          }
          changed = true;
        }
      }
      if (png && type === "IEND") break;
      at = data + length + (png ? 4 : length % 2);
    }
    return changed;
  } finally {
    await fd.close();
  }
}

async function rehash(received: Received): Promise<Received> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(received.file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { file: received.file, size, sha256: hash.digest("hex") };
}
