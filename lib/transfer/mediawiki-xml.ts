import { SaxesParser } from "saxes";
import { AppError } from "@/lib/errors";

// A MediaWiki XML export (Special:Export, dumpBackup.php --full; schema 0.10 and later) read as a stream of pages
// and revisions, in bounded memory: saxes parses as the bytes arrive and never reads a DTD, so no entity is ever
// expanded and nothing is fetched (a document type declaration is refused outright).

export type Siteinfo = { dbname: string | null; base: string | null; firstLetter: boolean };
export type DumpRevision = {
  id: number;
  timestamp: Date;
  /** The author's user name; null for an IP editor or a hidden author. */
  username: string | null;
  comment: string;
  text: string;
};
export type DumpEvent =
  | { type: "siteinfo"; siteinfo: Siteinfo }
  | { type: "page"; title: string; id: number | null; redirect: boolean }
  | { type: "revision"; revision: DumpRevision }
  | { type: "end-page" };

/** The elements whose text the import reads. */
const FIELDS = new Set(["dbname", "base", "case", "title", "id", "timestamp", "comment", "text", "username"]);

/** The oldest export schema this reads (0.10: MediaWiki 1.21, 2013). */
const MIN_SCHEMA = [0, 10];

/** Longest text of one element kept (a revision's text past it is a 400): far above MediaWiki's own 2 MiB. */
const MAX_ELEMENT_CHARS = 8 * 1024 * 1024;

/** Bytes as they arrive: a Node stream, a web stream (a request's body) or a list. */
export type Chunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function bad(message: string): AppError {
  return new AppError("bad_request", message);
}

/**
 * The events of an export, read from `chunks` (bytes). Malformed XML, a DTD, an unknown schema or a truncated
 * stream throws a 400 AppError when it is met: every event before it has been given, the page it cuts has not
 * ended. `onBytes` counts the bytes read (for progress).
 */
export async function* readDump(input: Chunks, onBytes?: (n: number) => void): AsyncGenerator<DumpEvent> {
  const chunks = input instanceof ReadableStream ? streamChunks(input) : input;
  const parser = new SaxesParser({ xmlns: false, position: true });
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const queue: DumpEvent[] = [];
  const path: string[] = [];
  let text = "";
  let collecting = false;
  let failure: AppError | null = null;
  /** How many queued events came before the fault: they are given, the rest are not. */
  let failAt = 0;
  let rootSeen = false;
  let siteinfo: Siteinfo = { dbname: null, base: null, firstLetter: true };
  let page: { title: string | null; id: number | null; redirect: boolean; started: boolean } | null = null;
  let rev: Partial<DumpRevision> & { hidden?: boolean } = {};
  const fail = (message: string) => {
    if (failure) return;
    failure = bad(message);
    failAt = queue.length;
  };

  parser.on("doctype", () => fail("A document type declaration (DTD) is not accepted in an import"));
  parser.on("error", (e) => fail(`Malformed XML: ${e.message}`));
  parser.on("opentag", (tag) => {
    const name = tag.name;
    const parent = path.at(-1);
    path.push(name);
    if (!rootSeen) {
      rootSeen = true;
      if (name !== "mediawiki") return fail(`Not a MediaWiki export: the document is <${name}>`);
      const version = String(tag.attributes.version ?? "");
      const m = /^(\d+)\.(\d+)$/.exec(version);
      if (!m || Number(m[1]) < MIN_SCHEMA[0]! || (Number(m[1]) === MIN_SCHEMA[0] && Number(m[2]) < MIN_SCHEMA[1]!)) {
        return fail(`MediaWiki export schema version "${version}" is not supported (0.10 and later are)`);
      }
      return;
    }
    if (name === "page" && parent === "mediawiki") page = { title: null, id: null, redirect: false, started: false };
    else if (name === "revision" && parent === "page") {
      if (page && !page.started) startPage();
      rev = {};
    } else if (name === "redirect" && parent === "page" && page) page.redirect = true;
    else if (name === "contributor" && tag.attributes.deleted) rev.hidden = true;
    else if (name === "text" && parent === "revision" && tag.attributes.deleted) rev.text = "";
    text = "";
    // only the text of elements read is kept: an upload's base64 <contents>, or anything newer schemas add, is skipped
    collecting = FIELDS.has(name);
  });
  const onText = (t: string) => {
    if (!collecting) return;
    if (text.length + t.length > MAX_ELEMENT_CHARS) return fail(`An element is longer than ${MAX_ELEMENT_CHARS} characters`);
    text += t;
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  const startPage = () => {
    if (!page) return;
    if (page.title === null) return fail("A page has no <title> before its revisions");
    page.started = true;
    queue.push({ type: "page", title: page.title, id: page.id, redirect: page.redirect });
  };
  parser.on("closetag", (tag) => {
    const name = tag.name;
    path.pop();
    const parent = path.at(-1);
    const value = text;
    text = "";
    if (parent === "siteinfo") {
      if (name === "dbname") siteinfo = { ...siteinfo, dbname: value.trim() || null };
      else if (name === "base") siteinfo = { ...siteinfo, base: value.trim() || null };
      else if (name === "case") siteinfo = { ...siteinfo, firstLetter: value.trim() !== "case-sensitive" };
    } else if (name === "siteinfo") queue.push({ type: "siteinfo", siteinfo });
    else if (parent === "page" && page && name !== "revision") {
      if (name === "title") page.title = value;
      else if (name === "id") page.id = toId(value, "page id");
    } else if (parent === "revision") {
      if (name === "id") rev.id = toId(value, "revision id") ?? undefined;
      else if (name === "timestamp") {
        const at = new Date(value.trim());
        if (Number.isNaN(at.getTime())) fail(`A revision has a bad timestamp "${value.slice(0, 40)}"`);
        rev.timestamp = at;
      } else if (name === "comment") rev.comment = value;
      else if (name === "text") rev.text ??= value;
    } else if (parent === "contributor") {
      if (name === "username") rev.username = value;
    } else if (name === "revision" && path.at(-1) === "page") {
      if (rev.id === undefined) return fail("A revision has no <id>");
      if (!rev.timestamp) return fail(`Revision ${rev.id} has no <timestamp>`);
      queue.push({
        type: "revision",
        revision: {
          id: rev.id,
          timestamp: rev.timestamp,
          username: rev.hidden ? null : rev.username?.trim() || null,
          comment: rev.comment ?? "",
          text: rev.text ?? "",
        },
      });
    } else if (name === "page" && parent === "mediawiki" && page) {
      if (!page.started) startPage();
      queue.push({ type: "end-page" });
      page = null;
    }
    collecting = false;
  });

  const toId = (value: string, what: string): number | null => {
    const n = Number(value.trim());
    if (!Number.isSafeInteger(n) || n < 0) {
      fail(`A ${what} is not a number: "${value.slice(0, 40)}"`);
      return null;
    }
    return n;
  };

  /** The events queued so far (up to a fault), then the fault. */
  const drain = function* (): Generator<DumpEvent> {
    const events = queue.splice(0, queue.length);
    yield* failure ? events.slice(0, failAt) : events;
    if (failure) throw failure;
  };

  for await (const chunk of chunks) {
    onBytes?.(chunk.byteLength);
    let decoded: string;
    try {
      decoded = decoder.decode(chunk, { stream: true });
    } catch {
      throw bad("The export is not valid UTF-8");
    }
    try {
      parser.write(decoded);
    } catch (e) {
      fail(`Malformed XML: ${(e as Error).message}`);
    }
    yield* drain();
  }
  try {
    parser.write(decoder.decode());
    parser.close();
  } catch (e) {
    fail(`Malformed XML: ${(e as Error).message}`);
  }
  if (!rootSeen) fail("The export is empty");
  yield* drain();
}
