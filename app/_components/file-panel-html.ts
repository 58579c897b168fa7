import { escapeHtml } from "@/lib/markdown/render";
import type { FilePanel } from "@/lib/wiki/page-reads";
import { imageAttributes, isImage } from "@/lib/files/urls";
import { pagePaths } from "@/lib/wiki/titles";
import { formatBytes, formatDate } from "./format";

/**
 * What a File: page shows above its description (the article view, one document for every reader): the image or
 * a download link, the versions with author, size and dimensions, and the pages that use it.
 */
export function filePanelHtml(title: string, panel: FilePanel | null): string {
  if (!panel) {
    return `<div class="notice file-missing"><p>No file has been uploaded to this title yet.</p>` +
      `<p><a class="button" href="${escapeHtml(pagePaths.upload(title))}">Upload a file</a></p></div>`;
  }
  const { file, versions, usedOn, next } = panel;
  const v = file.version;
  const shown = isImage(v)
    ? (() => {
        const img = imageAttributes({ versionId: v.id, name: file.title.slice(5), contentType: v.contentType, width: v.width, height: v.height });
        return `<a class="file-preview" href="${escapeHtml(file.url)}"><img src="${escapeHtml(img.src)}" alt="${escapeHtml(title)}" ` +
          `width="${img.width}" height="${img.height}"${img.srcset ? ` srcset="${escapeHtml(img.srcset)}" sizes="(max-width: ${img.width}px) 100vw, ${img.width}px"` : ""}></a>`;
      })()
    : "";
  const about = [formatBytes(v.size), v.contentType, ...(v.width && v.height ? [`${v.width} × ${v.height} pixels`] : [])].join(", ");
  const rows = versions
    .map((ver, i) => {
      const dims = ver.width && ver.height ? `${ver.width} × ${ver.height}` : "";
      const who = ver.author ? `<a href="/users/${encodeURIComponent(ver.author.username)}">${escapeHtml(ver.author.username)}</a>` : "unknown";
      const only = versions.length === 1 && !next;
      const action = i > 0 ? `<a href="${escapeHtml(pagePaths.upload(title))}#version-${ver.id}">Revert to this</a>` : only ? "" : "current";
      return `<tr><td><a href="${escapeHtml(ver.url)}">${ver.number}</a></td><td><time datetime="${ver.createdAt}">${formatDate(ver.createdAt)}</time></td>` +
        `<td>${who}</td><td>${formatBytes(ver.size)}</td><td>${dims}</td><td>${escapeHtml(ver.summary)}</td><td>${action}</td></tr>`;
    })
    .join("");
  const used = usedOn.length
    ? `<ul>${usedOn.map((p) => `<li><a href="${escapeHtml(pagePaths.view(p.title))}">${escapeHtml(p.title)}</a></li>`).join("")}</ul>` +
      `<p><a href="${escapeHtml(pagePaths.backlinks(title))}">All pages that link here</a></p>`
    : "<p>No page uses this file yet.</p>";
  return (
    `<section class="file-panel" aria-label="File">${shown}` +
    `<p class="file-about"><a href="${escapeHtml(file.url)}" download>Download ${escapeHtml(title.slice(5))}</a> (${escapeHtml(about)}) · ` +
    `<a href="${escapeHtml(pagePaths.upload(title))}">Upload a new version</a></p>` +
    `<h2>File history</h2><div class="table-scroll"><table class="file-versions"><thead><tr><th scope="col">Version</th><th scope="col">Date</th>` +
    `<th scope="col">By</th><th scope="col">Size</th><th scope="col">Pixels</th><th scope="col">Summary</th><th scope="col"><span class="skip">Action</span></th></tr></thead>` +
    `<tbody>${rows}</tbody></table></div>` +
    (next ? `<p><a href="${escapeHtml(pagePaths.upload(title))}#versions">Older versions</a></p>` : "") +
    `<h2>Pages that use this file</h2>${used}</section>`
  );
}
