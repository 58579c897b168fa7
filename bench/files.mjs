// The files part of `npm run bench`: an image by its immutable URL at 32 connections, a display size's first and
// later requests, an instance's memory while a 100 MiB upload streams in, and a page showing 50 images.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";

/** Resident memory of a process, in MiB (Linux). */
function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * The same bytes from a bare node:http server in its own process: what the load generator, on the same cores, can
 * take of exactly those bytes (the practical limit, as nginx serving the article as a file is for pages). The
 * bytes matter, not only their number (autocannon, the load generator until issue 17, took a 26 KB page of HTML
 * about four times as fast as a 26 KB JPEG), so each row is compared with its own.
 */
async function bareServer(body, contentType, load) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "vellum-bench-"));
  const file = path.join(dir, "body");
  writeFileSync(file, body);
  const script = `const b = require("fs").readFileSync(${JSON.stringify(file)});
    const s = require("http").createServer((q, r) => { r.writeHead(200, { "Content-Type": ${JSON.stringify(contentType)}, "Content-Length": b.length }); r.end(b); });
    s.listen(0, "127.0.0.1", () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const [line] = await once(child.stdout, "data");
    return await load(`http://127.0.0.1:${Number(String(line).trim())}/`);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A photo-like JPEG (smooth gradients and noise) of `width` x `height`. */
async function photo(width, height, seed, quality = 85) {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width + ((seed * 37 + x * y) % 17);
      raw[i + 1] = (y * 255) / height + ((seed * 11 + x) % 13);
      raw[i + 2] = ((x + y + seed * 5) * 7) % 256;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

async function put(base, cookie, title, body, extra = {}) {
  const res = await fetch(`${base}/api/files/${encodeURIComponent(title)}`, {
    method: "PUT",
    headers: { Cookie: cookie, Origin: base, "Content-Type": "application/octet-stream" },
    body,
    ...extra,
  });
  if (!res.ok) throw new Error(`upload of ${title}: ${res.status} ${await res.text()}`);
  return (await res.json()).file;
}

/**
 * `app`: the bench instance's process (for its memory); `load`, `timeOne`, `sequentialLatency`: the bench's
 * measurements. Returns the rows for the views table and the files table.
 */
export async function benchFiles({ base, cookie, app, db, load, timeOne, sequentialLatency }) {
  const views = {};
  const rows = {};
  // the article beside the image, both with their own limit from a bare server
  const articleHtml = Buffer.from(await (await fetch(`${base}/wiki/Bench_Article`)).arrayBuffer());
  views["/wiki signed out, front cache hit (again, beside the image)"] = await load(`${base}/wiki/Bench_Article`);
  views[`the article's ${Math.round(articleHtml.length / 1024)} KB of HTML from a bare node:http server`] = await bareServer(articleHtml, "text/html; charset=utf-8", load);
  // an image the size of the bench article's HTML, so the two rates compare; and a large photo
  const smallBytes = await photo(400, 300, 1, 80);
  const small = await put(base, cookie, "File:Bench picture.jpg", smallBytes);
  views[`image by its immutable URL, ${Math.round(smallBytes.length / 1024)} KB (front, hot file)`] = await load(`${base}${small.url}`);
  views[`the same ${Math.round(smallBytes.length / 1024)} KB from a bare node:http server (the load generator's limit)`] = await bareServer(smallBytes, "image/jpeg", load);
  const photoBytes = await photo(1600, 1200, 1);
  const image = await put(base, cookie, "File:Bench photo.jpg", photoBytes);
  views[`photo by its immutable URL, ${Math.round(photoBytes.length / 1024)} KB (front, hot file)`] = await load(`${base}${image.url}`);
  views[`the same ${Math.round(photoBytes.length / 1024)} KB from a bare node:http server`] = await bareServer(photoBytes, "image/jpeg", load);
  const first = await timeOne(`${base}${image.url}?width=640`);
  const later = await sequentialLatency(`${base}${image.url}?width=640`, 100);
  rows["display size (640 px of 1600 x 1200 JPEG): first request ms"] = first;
  rows["display size: later requests, p50 ms"] = later.p50ms;
  rows["display size: later requests, p99 ms"] = later.p99ms;

  // 100 MiB streamed in while the instance's memory is sampled
  const size = 100 * 1024 * 1024;
  const line = Buffer.from("The quick brown fox jumps over the lazy dog, again and again, for the bench. 0123456789\n");
  let sent = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(1024 * 1024, size - sent);
      const chunk = Buffer.alloc(n);
      for (let at = 0; at < n; at += line.length) line.copy(chunk, at, 0, Math.min(line.length, n - at));
      sent += n;
      controller.enqueue(chunk);
    },
  });
  const before = rssMiB(app.pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(app.pid))), 25);
  const t = process.hrtime.bigint();
  await put(base, cookie, "File:Bench big text.txt", body, { duplex: "half" });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  clearInterval(sampler);
  rows["100 MiB upload: seconds"] = +seconds.toFixed(2);
  rows["100 MiB upload: instance RSS before, MiB"] = Math.round(before);
  rows["100 MiB upload: instance RSS peak, MiB"] = Math.round(peak);
  rows["100 MiB upload: RSS growth, MiB (must stay under 64)"] = Math.round(peak - before);

  // a page showing 50 images, against a page of the same text without them
  const embeds = [];
  for (let i = 0; i < 50; i++) {
    const f = await put(base, cookie, `File:Bench gallery ${i}.jpg`, await photo(320 + i, 240, i + 2));
    embeds.push(`[[${f.title}|Picture ${i}]]`);
  }
  const save = async (title, markdown) => {
    const res = await fetch(`${base}/api/pages/${encodeURIComponent(title)}`, {
      method: "PUT",
      headers: { Cookie: cookie, Origin: base, "Content-Type": "application/json" },
      body: JSON.stringify({ markdown, baseRevisionId: null }),
    });
    if (!res.ok) throw new Error(`save ${title}: ${res.status}`);
  };
  await save("Bench gallery", `# Gallery\n\n${embeds.join("\n\n")}\n`);
  await save("Bench gallery text", `# Gallery\n\n${embeds.map((_, i) => `Picture ${i}`).join("\n\n")}\n`);
  views["/wiki page showing 50 images, signed out"] = await load(`${base}/wiki/Bench_gallery`);
  views["/wiki the same page without the images, signed out"] = await load(`${base}/wiki/Bench_gallery_text`);
  const { rows: blobs } = await db.query("SELECT count(*)::int AS n, sum(size)::bigint AS bytes FROM blobs");
  rows["blobs stored"] = blobs[0].n;
  return { views, rows };
}
