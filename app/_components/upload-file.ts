import { encodeSlug } from "@/lib/wiki/titles";

/** What the upload API answered (status 0: the server could not be reached). */
export type UploadAnswer = {
  ok: boolean;
  status: number;
  file: { title: string; url: string; version: { id: number; contentType: string; width: number | null; height: number | null } } | null;
  message: string | null;
};

/**
 * Send a file's bytes to PUT /api/files/{slug} from the browser, reporting progress (fetch cannot report an
 * upload's progress; XMLHttpRequest can). `onlyNew`: refuse (412) rather than replace another file of that name.
 */
export function uploadFile(
  title: string,
  file: Blob,
  opts: { summary?: string; onlyNew?: boolean; onProgress?: (fraction: number) => void } = {},
): Promise<UploadAnswer> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const query = opts.summary ? `?summary=${encodeURIComponent(opts.summary)}` : "";
    xhr.open("PUT", `/api/files/${encodeSlug(title)}${query}`);
    if (opts.onlyNew) xhr.setRequestHeader("If-None-Match", "*");
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) opts.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data: { file?: UploadAnswer["file"]; error?: { message?: string } } | null = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      const ok = xhr.status >= 200 && xhr.status < 300;
      resolve({ ok, status: xhr.status, file: data?.file ?? null, message: data?.error?.message ?? null });
    };
    xhr.onerror = () => resolve({ ok: false, status: 0, file: null, message: null });
    xhr.send(file);
  });
}

/** Characters a title may not hold (and controls, and bidi overrides), replaced in a file's name. */
const NOT_IN_TITLES = /[#<>[\]{}|\\/:\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;
const EXTENSIONS: Record<string, string> = {
  "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp", "image/avif": "avif",
  "image/svg+xml": "svg", "application/pdf": "pdf", "text/plain": "txt", "text/csv": "csv",
};

/**
 * A title for a file someone dropped or pasted: its own name made valid (a pasted screenshot, which is called
 * "image.png", gets the time instead), and `attempt` > 1 numbered: "Name (2).png".
 */
export function fileTitleFor(file: File, attempt = 1, now = new Date()): string {
  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(file.name)?.[1] ?? EXTENSIONS[file.type] ?? "bin";
  let base = file.name.replace(/\.[A-Za-z0-9]{1,10}$/, "").replace(NOT_IN_TITLES, "-").replace(/\s+/g, " ").trim();
  if (!base || base === "image") {
    const stamp = now.toISOString().slice(0, 19).replace("T", " ").replaceAll(":", "-");
    base = `Pasted image ${stamp}`;
  }
  base = base.slice(0, 150);
  return `File:${base}${attempt > 1 ? ` (${attempt})` : ""}.${ext.toLowerCase()}`;
}
