import { encodeSlug } from "@/lib/wiki/titles";

// Where a file's bytes live and how an image is shown: pure, shared by the renderer's link colouring, the File
// page, the API and the media route.

import { MEDIA_PREFIX } from "@/lib/http/names.js";

/** Every file version is served under this path: `/media/{versionId}/{name}` (docs/decisions/0020-files.md). */
export { MEDIA_PREFIX };

/**
 * The widths (pixels) an image is made in: a request for `?width=N` gets the largest of these that is at most N
 * (and the original when that is no wider). Fixed, so each is made once per image and kept.
 */
export const WIDTH_LADDER = [16, 32, 64, 120, 240, 320, 480, 640, 800, 1024, 1280, 1600, 1920, 2560, 3840] as const;

/** The widest an image is shown in a page (CSS pixels); `srcset` offers up to twice that for dense screens. */
export const DISPLAY_WIDTH = 800;

/** Types whose bytes browsers show as an image and that resizing keeps (a GIF or an SVG is resized to a PNG). */
export const RASTER_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"]);

/** The name of a file title ("File:Site map.png" -> "Site map.png"). */
export function fileNameOf(title: string): string {
  return title.slice(title.indexOf(":") + 1);
}

/** The immutable URL of a file version (the name is for people and downloads; the id decides). */
export function versionUrl(versionId: number, name: string, width?: number): string {
  return `${MEDIA_PREFIX}${versionId}/${encodeSlug(name).replaceAll("/", "%2F")}${width ? `?width=${width}` : ""}`;
}

/**
 * The ladder width served for `?width=requested` of an image `original` pixels wide: null means the original
 * itself (it is no wider than asked); a request below the smallest width gets the smallest.
 */
export function ladderWidth(requested: number, original: number): number | null {
  if (requested >= original) return null;
  let best: number = WIDTH_LADDER[0];
  for (const w of WIDTH_LADDER) if (w <= requested) best = w;
  return best >= original ? null : best;
}

/**
 * An image as a page shows it: at most `max` (DISPLAY_WIDTH, or the width an embed asks for) wide, in the
 * original's proportions; never wider than the original.
 */
export function displaySize(width: number, height: number, max: number = DISPLAY_WIDTH): { width: number; height: number } {
  if (width <= max) return { width, height };
  return { width: max, height: Math.max(1, Math.round((height * max) / width)) };
}

/** What an embed needs to know about a file's current version. */
export type EmbedFile = { versionId: number; name: string; contentType: string; width: number | null; height: number | null };

/** Is this file shown as an image (anything else is a link to download it)? */
export function isImage(f: { contentType: string; width: number | null; height: number | null }): boolean {
  return (RASTER_TYPES.has(f.contentType) || f.contentType === "image/svg+xml") && !!f.width && !!f.height;
}

/** The ladder width a page shows an image at, when that is not the original (null: the original is shown). */
export function displayWidthToMake(f: { width: number | null; height: number | null }, max?: number): number | null {
  const shown = displaySize(f.width!, f.height!, max);
  return shown.width === f.width ? null : shown.width;
}

/**
 * The `<img>` attributes of an image in a page: `src` at the display width, `srcset` from the ladder (raster
 * images that resizing keeps as they are; a GIF keeps its animation at its own size), width and height so nothing
 * moves while it loads. `max`: the width an embed asks for (MediaWiki's `200px`).
 */
export function imageAttributes(f: EmbedFile, max?: number): { src: string; srcset: string | null; width: number; height: number } {
  const shown = displaySize(f.width!, f.height!, max);
  const src = versionUrl(f.versionId, f.name, displayWidthToMake(f, max) ?? undefined);
  if (!RASTER_TYPES.has(f.contentType) || f.contentType === "image/gif") return { src, srcset: null, ...shown };
  const widths = WIDTH_LADDER.filter((w) => w >= 120 && w < f.width! && w <= 2 * shown.width);
  const candidates = widths.map((w) => `${versionUrl(f.versionId, f.name, w)} ${w}w`);
  if (f.width! <= 2 * shown.width) candidates.push(`${versionUrl(f.versionId, f.name)} ${f.width}w`);
  return { src, srcset: candidates.length > 1 ? candidates.join(", ") : null, ...shown };
}
