import "server-only";
import { db, sqlPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { listBacklinks } from "@/lib/wiki/links";
import { mayReadSpace, type Access } from "@/lib/auth/access";
import { slugOf } from "@/lib/wiki/titles";
import { versionUrl } from "./urls";

// Reading files: the API's file object and versions, what the media route serves, and a File: page's current file.

/** A version as the API shows it. */
export type FileVersionInfo = {
  id: number;
  number: number;
  size: number;
  contentType: string;
  sha256: string;
  width: number | null;
  height: number | null;
  createdAt: string;
  author: { username: string } | null;
  summary: string;
  url: string;
};

export type FileInfo = { title: string; slug: string; url: string; version: FileVersionInfo };

const versionSelect = {
  id: true,
  number: true,
  name: true,
  summary: true,
  createdAt: true,
  sha256: true,
  author: { select: { username: true } },
  blob: { select: { size: true, contentType: true, width: true, height: true } },
} as const;

type VersionRow = {
  id: number; number: number; name: string; summary: string; createdAt: Date; sha256: string;
  author: { username: string } | null;
  blob: { size: bigint; contentType: string; width: number | null; height: number | null };
};

function toVersionInfo(v: VersionRow): FileVersionInfo {
  return {
    id: v.id,
    number: v.number,
    size: Number(v.blob.size),
    contentType: v.blob.contentType,
    sha256: v.sha256,
    width: v.blob.width,
    height: v.blob.height,
    createdAt: v.createdAt.toISOString(),
    author: v.author ? { username: v.author.username } : null,
    summary: v.summary,
    url: versionUrl(v.id, v.name),
  };
}

/** The page id and file of a live File: page (404 when there is no page or nothing was uploaded to it). */
async function fileOfPageOrThrow(title: string, access: Access): Promise<{ pageId: number; file: FileInfo }> {
  const page = await db().page.findUnique({ where: { title }, select: { id: true, latestRevisionId: true, readSpace: true, fileVersion: { select: versionSelect } } });
  if (!page?.latestRevisionId || !page.fileVersion || !mayReadSpace(access, page.readSpace)) throw new AppError("not_found", `There is no file called "${title}"`);
  const version = toVersionInfo(page.fileVersion);
  return { pageId: page.id, file: { title, slug: slugOf(title), url: version.url, version } };
}

/** The file of a live File: page (404 when there is no page, nothing was uploaded to it or this reader may not read it). */
export async function getFileOrThrow(title: string, access: Access): Promise<FileInfo> {
  return (await fileOfPageOrThrow(title, access)).file;
}

export type FileWithVersions = Awaited<ReturnType<typeof getFileWithVersions>>;

/** A File: page's file, its versions newest first (`before`: a version number), and the first pages that show it. */
export async function getFileWithVersions(title: string, { limit, before }: { limit: number; before?: number }, access: Access) {
  const { pageId, file } = await fileOfPageOrThrow(title, access);
  const rows = await db().fileVersion.findMany({
    where: { pageId, ...(before ? { number: { lt: before } } : {}) },
    orderBy: { number: "desc" },
    take: limit + 1,
    select: versionSelect,
  });
  const versions = rows.slice(0, limit).map(toVersionInfo);
  const usedOn = await listBacklinks(title, { limit: 50 }, access);
  return { file, versions, next: rows.length > limit ? String(versions.at(-1)!.number) : null, usedOn: usedOn.pages };
}

/** The same, or null when the title holds no file (pages that show a file when there is one). */
export function findFileWithVersions(title: string, options: { limit: number }, access: Access): Promise<FileWithVersions | null> {
  return getFileWithVersions(title, options, access).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "not_found") return null;
    throw e;
  });
}

/** What the media route needs to serve a version: null when there is none, or its page is deleted. */
export type MediaVersion = { title: string; readSpace: string | null; sha256: string; name: string; size: number; contentType: string; width: number | null; height: number | null };

export async function mediaVersion(versionId: number): Promise<MediaVersion | null> {
  const { rows } = await sqlPool().query<{ title: string; read_space: string | null; sha256: string; name: string; size: string; content_type: string; width: number | null; height: number | null }>({
    name: "vellum-media-version-v2",
    text: `SELECT p.title, p.read_space, v.sha256, v.name, b.size, b.content_type, b.width, b.height
      FROM file_versions v JOIN pages p ON p.id = v.page_id JOIN blobs b ON b.sha256 = v.sha256
      WHERE v.id = $1 AND p.title IS NOT NULL AND p.latest_revision_id IS NOT NULL`,
    values: [versionId],
  });
  const r = rows[0];
  return r ? { title: r.title, readSpace: r.read_space, sha256: r.sha256, name: r.name, size: Number(r.size), contentType: r.content_type, width: r.width, height: r.height } : null;
}
