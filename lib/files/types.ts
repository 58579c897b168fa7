import "server-only";
import { open } from "node:fs/promises";
import { fileTypeFromFile } from "file-type";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

/**
 * What a file is, decided from its bytes (file-type's magic numbers; for text, our own look at the first bytes),
 * never from what a client says. The name's extension must agree; the type must be on UPLOAD_TYPES; HTML,
 * scripts and executables never are (docs/decisions/0020-files.md).
 */

/** The extensions a type may be named with (the first is the one suggested). Other detected types: file-type's. */
const EXTENSIONS: Record<string, string[]> = {
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg", "jpe"],
  "image/gif": ["gif"],
  "image/webp": ["webp"],
  "image/avif": ["avif"],
  "image/svg+xml": ["svg"],
  "application/pdf": ["pdf"],
  "text/plain": ["txt", "text", "md", "log"],
  "text/csv": ["csv"],
};

/** What a person is told a type is. */
const LABELS: Record<string, string> = {
  "image/png": "a PNG image", "image/jpeg": "a JPEG image", "image/gif": "a GIF image", "image/webp": "a WebP image",
  "image/avif": "an AVIF image", "image/svg+xml": "an SVG image", "application/pdf": "a PDF document",
  "text/plain": "plain text", "text/csv": "CSV text", "text/html": "HTML", "application/x-sh": "a script",
  "application/octet-stream": "binary data of no known type",
};

/** Never accepted, whatever UPLOAD_TYPES says: they run as code in a browser or on a computer. */
const NEVER = new Set([
  "text/html", "application/xhtml+xml", "application/x-sh", "text/javascript", "application/javascript",
  "application/x-msdownload", "application/vnd.microsoft.portable-executable", "application/x-elf",
  "application/x-mach-binary", "application/x-executable", "application/java-archive", "application/x-ms-shortcut",
  "application/wasm", "application/x-msi", "application/vnd.android.package-archive",
]);

/** How many bytes the text checks look at. */
const HEAD_BYTES = 64 * 1024;

export type Detected = { contentType: string; label: string; extensions: string[] };

/** The extension of a file name, lower case ("" when it has none). */
export function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1]!.toLowerCase() : "";
}

/** Read a file's type from its bytes (`path`: the upload, whole, in a temporary file). */
export async function detectType(path: string, nameExtension: string): Promise<Detected> {
  const found = await fileTypeFromFile(path);
  if (found && found.mime !== "application/xml") {
    return { contentType: found.mime, label: LABELS[found.mime] ?? `${found.mime} (.${found.ext})`, extensions: EXTENSIONS[found.mime] ?? [found.ext] };
  }
  const head = await readHead(path);
  const type = textType(head, nameExtension);
  return { contentType: type, label: LABELS[type] ?? type, extensions: EXTENSIONS[type] ?? [] };
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Tags a browser takes as HTML at the start of a document (the WHATWG sniffing table), or anywhere for these. */
const HTML_START = /^(?:<!doctype\s+html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p|<!--)(?:[\s>/]|$)/i;
const HTML_ANYWHERE = /<(?:script|iframe|html|body|object|embed)[\s>/]/i;

/**
 * The type of bytes no magic number names: SVG (an XML document whose root is `svg`), HTML (as a browser would
 * sniff it), a script (`#!`), text (valid UTF-8 without NUL: CSV when named .csv), or binary data.
 */
export function textType(head: Buffer, nameExtension: string): string {
  let text: string;
  try {
    // a multi-byte character may be cut at the end of the head: only the part before it must decode
    text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, safeUtf8End(head)));
  } catch {
    return "application/octet-stream";
  }
  if (text.includes("\u0000")) return "application/octet-stream";
  const start = text.replace(/^\uFEFF/, "").trimStart();
  const afterProlog = start.replace(/^(?:<\?xml[^>]*\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>\s*)*/i, "");
  if (/^<svg[\s>/]/i.test(afterProlog) || /^<[A-Za-z_][\w.-]*:svg[\s>/]/.test(afterProlog)) return "image/svg+xml";
  if (HTML_START.test(start) || HTML_ANYWHERE.test(start)) return "text/html";
  if (start.startsWith("<?xml")) return "application/xml";
  if (start.startsWith("#!")) return "application/x-sh";
  return nameExtension === "csv" ? "text/csv" : "text/plain";
}

/** Where the head may be cut so that no UTF-8 sequence is split (a partial one at the very end is left out). */
function safeUtf8End(b: Buffer): number {
  for (let back = 1; back <= 3 && back <= b.length; back++) {
    const byte = b[b.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    if (byte >= 0xc0) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return need > back ? b.length - back : b.length;
    }
    return b.length;
  }
  return b.length;
}

/** The types this wiki accepts (UPLOAD_TYPES, less the ones never accepted). */
export function acceptedTypes(): Set<string> {
  return new Set(getConfig().UPLOAD_TYPES.split(",").filter((t) => !NEVER.has(t)));
}

/** Refuse a type the wiki does not take, or a name whose extension says another type (400 naming the type found). */
export function assertAcceptable(detected: Detected, name: string): void {
  const ext = extensionOf(name);
  if (!acceptedTypes().has(detected.contentType)) {
    throw new AppError("bad_request", `This file is ${detected.label} (${detected.contentType}, found from its bytes), which this wiki does not accept`);
  }
  if (!detected.extensions.includes(ext)) {
    throw new AppError(
      "bad_request",
      `This file is ${detected.label} (${detected.contentType}, found from its bytes), but its name ends in .${ext || "(nothing)"}: ` +
        `name it .${detected.extensions[0]}`,
    );
  }
}

/** Text types are checked whole (valid UTF-8, no NUL), since their head says little about the rest. */
export function isTextType(contentType: string): boolean {
  return contentType.startsWith("text/") || contentType === "image/svg+xml";
}
