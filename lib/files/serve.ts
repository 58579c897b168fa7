import "server-only";
import { AppError } from "@/lib/errors";
import { etagMatches } from "@/lib/http/front-rules";
import { derivedImage, derivedType } from "./images";
import { mediaVersion, type MediaVersion } from "./reads";
import { mayReadSpace, type Access } from "@/lib/auth/access";
import { readBlob } from "./storage";
import { hotFilesTicket, keepHotFile, MAX_HOT_FILE_BYTES } from "./hot-files";
import { ladderWidth, RASTER_TYPES, WIDTH_LADDER } from "./urls";

// Serving a file version's bytes: immutable (a year's cache, ETag, 304), byte ranges, HEAD, sizes of images, and
// headers that keep any file from running script on the wiki's origin.

/** Every file response: nothing in it runs, nothing it names loads, whatever it is and however it is opened. */
export const FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox";
const IMMUTABLE = "public, max-age=31536000, immutable";
/** Raster images show inline; everything else downloads. */
const INLINE_TYPES = RASTER_TYPES;

/**
 * An answer of a file route that is not the file (an error, a redirect) carries the same protective headers, so
 * nothing under /media or /file is ever without them.
 */
export function withFileHeaders(res: Response): Response {
  const headers = new Headers(res.headers);
  headers.set("Content-Security-Policy", FILE_CSP);
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(res.body, { status: res.status, headers });
}

/** `filename="…"` (ASCII, quotes and controls replaced) and `filename*=UTF-8''…` (RFC 6266, RFC 8187). */
export function contentDisposition(kind: "inline" | "attachment", fullName: string): string {
  // a name's last segment: "Team/chart.png" downloads as chart.png
  const name = fullName.slice(fullName.lastIndexOf("/") + 1);
  const ascii = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]|["\\%;]/g, "_") || "file";
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function baseHeaders(contentType: string, etag: string, disposition: string, personal = false): Record<string, string> {
  return {
    "Content-Type": contentType.startsWith("text/") ? `${contentType}; charset=utf-8` : contentType,
    ETag: etag,
    "Cache-Control": personal ? `private, ${IMMUTABLE}` : IMMUTABLE,
    "Content-Security-Policy": FILE_CSP,
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-site",
    "Content-Disposition": disposition,
  };
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` of a body of `size` bytes: the range, "unsatisfiable", or null (serve it all). */
export function parseRange(header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // several ranges or another unit: the whole body (allowed)
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

/** `?width=`: absent, or a whole number of pixels from the ladder's smallest up (400 otherwise). /file asks it too. */
export function requestedWidth(url: URL): number | null {
  const raw = url.searchParams.get("width");
  if (raw === null) return null;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < WIDTH_LADDER[0]) {
    throw new AppError("bad_request", `width must be a whole number of pixels, at least ${WIDTH_LADDER[0]}`);
  }
  return Number(raw);
}

function streamOf(sha256: string, start: number, end: number): ReadableStream<Uint8Array> {
  const chunks = readBlob(sha256, start, end);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** GET or HEAD of `/media/{versionId}/{name}`: the version's bytes, or an image size of them. */
export async function mediaResponse(req: Request, versionId: number, access: Access): Promise<Response> {
  const url = new URL(req.url);
  const width = requestedWidth(url);
  // before the read: a deletion noticed meanwhile keeps this from being kept
  let ticket = hotFilesTicket();
  const version = await mediaVersion(versionId);
  if (!version || !mayReadSpace(access, version.readSpace)) throw new AppError("not_found", "There is no such file (it may have been deleted)");
  // a private file's bytes are its readers' alone: never kept for the front, never in a shared cache
  if (version.readSpace !== null) ticket = null;
  const head = req.method === "HEAD";
  const hotKey = url.pathname + url.search;
  if (width !== null && version.width && (RASTER_TYPES.has(version.contentType) || version.contentType === "image/svg+xml")) {
    const target = ladderWidth(width, version.width) ?? version.width;
    const keepsOriginal = target === version.width && RASTER_TYPES.has(version.contentType) && version.contentType !== "image/gif";
    if (!keepsOriginal) return derivedResponse(req, version, target, head, hotKey, ticket);
  }
  return originalResponse(req, version, head, hotKey, ticket);
}

async function derivedResponse(req: Request, v: MediaVersion, width: number, head: boolean, hotKey: string, ticket: number | null) {
  const etag = `"${v.sha256.slice(0, 32)}-w${width}"`;
  const derivedName = v.name.replace(/\.[^.]+$/, "");
  if (etagMatches(req.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers: baseHeaders(`image/${derivedType(v.contentType)}`, etag, "inline", v.readSpace !== null) });
  }
  const d = await derivedImage({ sha256: v.sha256, size: v.size, contentType: v.contentType }, width);
  const ext = d.contentType.split("/")[1];
  const headers = { ...baseHeaders(d.contentType, etag, contentDisposition("inline", `${derivedName}-${width}px.${ext}`), v.readSpace !== null), "Content-Length": String(d.data.length) };
  keepHotFile(hotKey, ticket, { title: v.title, status: 200, headers: Object.entries(headers), etag, body: d.data });
  return new Response(head ? null : new Uint8Array(d.data), { status: 200, headers });
}

async function originalResponse(req: Request, v: MediaVersion, head: boolean, hotKey: string, ticket: number | null) {
  const etag = `"${v.sha256}"`;
  const disposition = contentDisposition(INLINE_TYPES.has(v.contentType) ? "inline" : "attachment", v.name);
  const headers: Record<string, string> = { ...baseHeaders(v.contentType, etag, disposition, v.readSpace !== null), "Accept-Ranges": "bytes" };
  if (etagMatches(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  const range = parseRange(req.headers.get("range"), v.size);
  if (range === "unsatisfiable") {
    return new Response(null, { status: 416, headers: { ...headers, "Content-Range": `bytes */${v.size}` } });
  }
  if (range) {
    headers["Content-Range"] = `bytes ${range.start}-${range.end}/${v.size}`;
    headers["Content-Length"] = String(range.end - range.start + 1);
    return new Response(head ? null : streamOf(v.sha256, range.start, range.end), { status: 206, headers });
  }
  headers["Content-Length"] = String(v.size);
  if (head) return new Response(null, { status: 200, headers });
  if (v.size <= MAX_HOT_FILE_BYTES) {
    // small: read whole, answered and kept for the front
    const parts: Buffer[] = [];
    for await (const chunk of readBlob(v.sha256, 0, v.size - 1)) parts.push(chunk);
    const body = Buffer.concat(parts);
    keepHotFile(hotKey, ticket, { title: v.title, status: 200, headers: Object.entries(headers), etag, body });
    return new Response(new Uint8Array(body), { status: 200, headers });
  }
  return new Response(streamOf(v.sha256, 0, v.size - 1), { status: 200, headers });
}
