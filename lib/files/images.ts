import "server-only";
import sharp from "sharp";
import { sqlPool } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { blobToTempFile, discard } from "./storage";

/**
 * Images with sharp (libvips, inside its npm package). Sizes are read from the header alone at upload; an image
 * with more pixels than UPLOAD_MAX_PIXELS is refused then, so no request ever decodes it. Display sizes are made
 * on first request from the fixed ladder (lib/files/urls.ts) and kept in PostgreSQL: EXIF orientation applied,
 * every metadata block (location included) left out, a deadline on each.
 */

/** Seconds one resize may take before it gives up. */
const RESIZE_TIMEOUT_SECONDS = 10;
/** Resizes one process runs at once (each may use a core); more wait their turn. */
const MAX_CONCURRENT_RESIZES = 2;

sharp.cache(false); // derived images are kept in PostgreSQL; libvips's own cache would only hold memory

/** The size an image shows at (EXIF orientation applied), read from its header without decoding it. */
export async function imageSize(file: string): Promise<{ width: number; height: number }> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError("bad_request", "This image cannot be read (its header is damaged or incomplete)");
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new AppError("bad_request", "This image does not say how large it is");
  const max = getConfig().UPLOAD_MAX_PIXELS;
  if (width * height > max) {
    throw new AppError(
      "bad_request",
      `This image is ${width} x ${height} pixels; this wiki takes images of at most ${max.toLocaleString("en")} pixels (UPLOAD_MAX_PIXELS)`,
    );
  }
  return { width, height };
}

/** The format a resized image is made in: the original's, except GIF and SVG (PNG) and AVIF (WebP: far quicker to make). */
export function derivedType(contentType: string): "png" | "jpeg" | "webp" {
  if (contentType === "image/jpeg") return "jpeg";
  if (contentType === "image/webp" || contentType === "image/avif") return "webp";
  return "png";
}

export type Derived = { width: number; height: number; contentType: string; data: Buffer };

let running = 0;
const waiting: (() => void)[] = [];
const inflight = new Map<string, Promise<Derived>>();

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_RESIZES) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * The image `sha256` at `width` pixels wide: kept from an earlier request, or made now (once per process at a time)
 * and kept. Never stale: the blob it is made from cannot change.
 */
export async function derivedImage(blob: { sha256: string; size: number; contentType: string }, width: number): Promise<Derived> {
  const { rows } = await sqlPool().query<{ width: number; height: number; content_type: string; data: Buffer }>({
    name: "vellum-derived-image",
    text: "SELECT width, height, content_type, data FROM derived_images WHERE sha256 = $1 AND width = $2",
    values: [blob.sha256, width],
  });
  const kept = rows[0];
  if (kept) return { width: kept.width, height: kept.height, contentType: kept.content_type, data: kept.data };
  const key = `${blob.sha256}:${width}`;
  let pending = inflight.get(key);
  if (!pending) {
    pending = slot(() => makeDerived(blob, width)).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending;
}

async function makeDerived(blob: { sha256: string; size: number; contentType: string }, width: number): Promise<Derived> {
  const file = await blobToTempFile(blob.sha256, blob.size);
  try {
    const format = derivedType(blob.contentType);
    const { data, info } = await sharp(file, { limitInputPixels: getConfig().UPLOAD_MAX_PIXELS, density: blob.contentType === "image/svg+xml" ? 144 : undefined })
      .autoOrient()
      .resize({ width, withoutEnlargement: true })
      .toFormat(format, format === "jpeg" ? { quality: 82, mozjpeg: true } : format === "webp" ? { quality: 80 } : {})
      .timeout({ seconds: RESIZE_TIMEOUT_SECONDS })
      .toBuffer({ resolveWithObject: true });
    const derived = { width: info.width, height: info.height, contentType: `image/${format}`, data };
    await sqlPool().query(
      "INSERT INTO derived_images (sha256, width, height, content_type, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
      [blob.sha256, width, derived.height, derived.contentType, data],
    );
    return derived;
  } finally {
    await discard(file);
  }
}
