import { createHash } from "node:crypto";
import { FILE_PREFIX } from "@/lib/markdown/render";
import { slugOf } from "@/lib/wiki/titles";

// Where an export puts each title (pure). The layout is the README's, `DIR/<slug>.md` for a page and
// `DIR/File:<name>` for a file's bytes, with what it takes for every title Vellum accepts to have a path of its
// own that stays inside the export's tree, on any file system git checks out to:
//   - `%` and `~` are written `%25` and `%7E`, so an escape below can never be read as a title's own text;
//   - a segment that starts with `.` starts `%2E` (no `.git`, `.gitmodules` or hidden file: git refuses `.git` in
//     any case and its NTFS short form `git~1`, which the `~` escape also rules out);
//   - a segment that ends with `.md` ends `%2Emd`, so only a page's own `.md` ends a path that way: a page `A` and a
//     page `A.md/Child` (a folder `A.md`), or a page `File:X` and the bytes of `File:X.md`, never share a path;
//   - a File: title is one segment (its `/` written `%2F`): a file's bytes are never also a folder of subpages;
//   - a segment longer than a file name may be (255 bytes) is cut and given a hash of the whole segment.
// Each rule maps distinct titles to distinct paths, and a page path (ends `.md`), a bytes path (never does) and a
// folder (never does, and never a File: name) cannot meet.

/** Longest segment written whole, in bytes (file names may have 255; the page's `.md` and a margin need room). */
const MAX_SEGMENT_BYTES = 200;

function escapeSegment(segment: string): string {
  let s = segment.replaceAll("%", "%25").replaceAll("~", "%7E").replaceAll("/", "%2F");
  if (s.startsWith(".")) s = "%2E" + s.slice(1);
  if (/\.md$/i.test(s)) s = s.slice(0, -3) + "%2E" + s.slice(-2);
  if (Buffer.byteLength(s, "utf8") <= MAX_SEGMENT_BYTES) return s;
  const hash = createHash("sha256").update(segment).digest("hex").slice(0, 16);
  let cut = "";
  for (const ch of s) {
    if (Buffer.byteLength(cut + ch, "utf8") > MAX_SEGMENT_BYTES - hash.length - 1) break;
    cut += ch;
  }
  // a cut never ends inside an escape, and never in `.md`
  cut = cut.replace(/%[0-9A-F]?$/, "").replace(/\.(md?)?$/i, "");
  return `${cut}~${hash}`;
}

/** A title's path under the export folder, without an extension: its slug's segments, each escaped. */
function titlePath(title: string): string {
  const slug = slugOf(title);
  if (title.startsWith(FILE_PREFIX)) return escapeSegment(slug);
  return slug.split("/").map(escapeSegment).join("/");
}

/** The path of a page's Markdown under the export folder: its escaped slug (subpages in folders) and `.md`. */
export function markdownPath(title: string): string {
  return `${titlePath(title)}.md`;
}

/** The path of a file's bytes (File: titles only): `File:<name>`, escaped as one segment. */
export function bytesPath(title: string): string | null {
  return title.startsWith(FILE_PREFIX) ? titlePath(title) : null;
}
