import "server-only";
import { randomUUID } from "node:crypto";
import type { Tx } from "@/lib/db/transaction";
import { usernameKey } from "@/lib/auth/normal-forms";
import { freeUsername } from "@/lib/auth/accounts";
import { lockPage } from "@/lib/wiki/page-writes";
import { REVERT_WINDOW, firstOrigins, fromRuns, nextOrigins, toRuns } from "@/lib/wiki/blame-lines";
import { MAX_SUMMARY_LENGTH, flattenSummary } from "@/lib/wiki/schema";
import type { DumpRevision } from "./mediawiki-xml";
import { wikitextToMarkdown } from "./wikitext";

// One page of a MediaWiki import (lib/transfer/mediawiki.ts runs the import): the page row it writes to, and its
// revisions written in batches with their blame (a revert keeps the origins of the text it brings back), each
// author an account of its own that cannot sign in.

/** What an import did (its answer, and the run's record). */
export type ImportSummary = {
  pages: number;
  revisions: number;
  users: number;
  skipped: { title: string; reason: string }[];
  renamed: { from: string; to: string }[];
};

/** What a run shares with the pages it writes. */
export type ImportContext = {
  source: string;
  firstLetter: boolean;
  /** Author name -> account id, for this run. */
  authors: Map<string, string>;
  summary: ImportSummary;
  seenPages: Set<number>;
};

type ImportPage = { id: number; title: string; created: boolean; latest: { id: number; number: number; markdown: string } | null };

/**
 * The page row the import writes to, locked: a new one, or the existing page (imported revisions follow its own),
 * or, when its only revision is the welcome a fresh wiki starts with (by nobody, never edited), that page emptied.
 */
export async function pageForImport(tx: Tx, title: string): Promise<ImportPage> {
  let page = await lockPage(tx, title);
  const created = !page;
  if (!page) {
    await tx.$executeRaw`INSERT INTO pages (title) VALUES (${title})`;
    page = (await lockPage(tx, title))!;
  }
  if (page.latest_revision_id === null) return { id: page.id, title, created, latest: null };
  const latest = await tx.revision.findUniqueOrThrow({
    where: { id: page.latest_revision_id }, select: { id: true, number: true, markdown: true, authorId: true, kind: true, imported: true },
  });
  if (latest.number === 1 && latest.authorId === null && latest.kind === "create" && !latest.imported) {
    await tx.$executeRaw`UPDATE pages SET latest_revision_id = NULL WHERE id = ${page.id}`;
    await tx.$executeRaw`DELETE FROM revisions WHERE id = ${latest.id}`;
    return { id: page.id, title, created, latest: null };
  }
  return { id: page.id, title, created, latest: { id: latest.id, number: latest.number, markdown: latest.markdown } };
}

/** A page whose revisions clash with those an earlier import of another wiki under the same name brought. */
export class SourceClash extends Error {}

/** Writes one page's revisions in order, batch by batch, carrying its blame forward. */
export class PageWriter {
  added = 0;
  latestId: number | null;
  private number: number;
  private text: string;
  private origins: number[] | null = null;
  /** The last REVERT_WINDOW revisions' texts and origins: a revision bringing one back takes its origins (a revert). */
  private recent: { markdown: string; origins: number[] }[] = [];

  constructor(private tx: Tx, private ctx: ImportContext, private page: ImportPage) {
    this.latestId = page.latest?.id ?? null;
    this.number = page.latest?.number ?? 0;
    this.text = page.latest?.markdown ?? "";
  }

  async start() {
    if (!this.page.latest) return;
    const rows = await this.tx.$queryRaw<{ runs: number[] }[]>`SELECT runs FROM revision_blames WHERE revision_id = ${this.page.latest.id}`;
    // without the latest's blame (saved before blame existed) the imported revisions get theirs from the fill
    this.origins = rows[0] ? fromRuns(rows[0].runs) : null;
  }

  async write(batch: DumpRevision[]) {
    if (batch.length === 0) return;
    // revisions out of order within a batch are put in order of time (then id)
    batch.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || a.id - b.id);
    const have = await this.tx.$queryRaw<{ id: bigint; at: Date }[]>`
      SELECT i.source_revision_id AS id, r.created_at AS at FROM imported_revisions i JOIN revisions r ON r.id = i.revision_id
      WHERE i.source = ${this.ctx.source} AND i.source_revision_id = ANY(${batch.map((r) => BigInt(r.id))}::bigint[])`;
    const known = new Set(have.map((r) => Number(r.id)));
    // a known id with another time is another wiki's revision under the same name: never taken for this one
    const times = new Map(batch.map((r) => [r.id, r.timestamp.getTime()]));
    const clash = have.find((r) => times.get(Number(r.id)) !== r.at.getTime());
    if (clash) {
      throw new SourceClash(`revision ${clash.id} was imported before from another export calling its wiki "${this.ctx.source.slice("mediawiki:".length)}", with another time: nothing of this page was imported (a different wiki needs its own <dbname>)`);
    }
    // a revision id already imported, or twice in this batch, is written once
    const fresh = batch.filter((r) => !known.has(r.id) && (known.add(r.id), true));
    if (fresh.length === 0) return;
    const ids = (await this.tx.$queryRaw<{ id: number }[]>`
      SELECT nextval(pg_get_serial_sequence('revisions', 'id'))::int AS id FROM generate_series(1, ${fresh.length})`).map((r) => r.id);
    const cols = {
      id: [] as number[], number: [] as number[], kind: [] as string[], parent: [] as (number | null)[], author: [] as (string | null)[],
      summary: [] as string[], markdown: [] as string[], size: [] as number[], at: [] as string[], source: [] as bigint[], runs: [] as string[],
    };
    for (const [k, r] of fresh.entries()) {
      const id = ids[k]!;
      const markdown = wikitextToMarkdown(r.text, { title: this.page.title, firstLetter: this.ctx.firstLetter });
      cols.id.push(id);
      cols.number.push(++this.number);
      cols.kind.push(this.latestId === null ? "create" : "edit");
      cols.parent.push(this.latestId);
      cols.author.push(r.username === null ? null : await this.author(r.username));
      cols.summary.push(oneLine(r.comment));
      cols.markdown.push(markdown);
      cols.size.push(Buffer.byteLength(markdown, "utf8"));
      cols.at.push(r.timestamp.toISOString());
      cols.source.push(BigInt(r.id));
      const reverted = this.recent.findLast((r) => r.markdown === markdown);
      this.origins = reverted ? reverted.origins : this.latestId === null ? firstOrigins(markdown, id) : this.origins && nextOrigins(this.text, this.origins, markdown, id);
      if (this.origins) this.recent = [...this.recent.slice(1 - REVERT_WINDOW), { markdown, origins: this.origins }];
      cols.runs.push(this.origins ? toRuns(this.origins).join(",") : "");
      this.latestId = id;
      this.text = markdown;
    }
    await this.tx.$executeRaw`
      INSERT INTO revisions (id, page_id, number, kind, parent_id, author_id, summary, markdown, size, created_at, title)
      SELECT t.id, ${this.page.id}, t.number, t.kind::"RevisionKind", t.parent, t.author, t.summary, t.markdown, t.size, t.at, ${this.page.title}
      FROM unnest(${cols.id}::int[], ${cols.number}::int[], ${cols.kind}::text[], ${cols.parent}::int[], ${cols.author}::text[],
        ${cols.summary}::text[], ${cols.markdown}::text[], ${cols.size}::int[], ${cols.at}::timestamptz[])
        AS t(id, number, kind, parent, author, summary, markdown, size, at)`;
    await this.tx.$executeRaw`
      INSERT INTO imported_revisions (source, source_revision_id, revision_id)
      SELECT ${this.ctx.source}, s, r FROM unnest(${cols.source}::bigint[], ${cols.id}::int[]) AS t(s, r)`;
    await this.tx.$executeRaw`
      INSERT INTO revision_blames (revision_id, runs)
      SELECT r, string_to_array(b, ',')::int[] FROM unnest(${cols.id}::int[], ${cols.runs}::text[]) AS t(r, b) WHERE b <> ''`;
    await this.tx.$executeRaw`UPDATE pages SET latest_revision_id = ${this.latestId}, links_renderer = 0 WHERE id = ${this.page.id}`;
    this.added += fresh.length;
    this.ctx.summary.revisions += fresh.length;
  }

  async finish() {
    if (this.added === 0) return;
    await this.tx.$executeRaw`UPDATE pages SET updated_at = now() WHERE id = ${this.page.id}`;
  }

  /** The account holding `name`'s revisions from this source: found, or made (renamed when it must be). */
  private async author(name: string): Promise<string> {
    const cached = this.ctx.authors.get(name);
    if (cached) return cached;
    const found = await this.tx.importedAuthor.findUnique({ where: { source_name: { source: this.ctx.source, name } }, select: { userId: true } });
    let userId = found?.userId;
    if (!userId) {
      const username = await freeUsername(this.tx, name, "imported-");
      const user = await this.tx.user.create({
        data: {
          username,
          usernameKey: usernameKey(username),
          // no password and an address that cannot receive mail: no way to sign in until an admin gives one
          email: `imported-${randomUUID()}@users.invalid`,
          displayName: name.slice(0, 100),
          passwordHash: null,
        },
        select: { id: true },
      });
      await this.tx.importedAuthor.create({ data: { source: this.ctx.source, name, userId: user.id } });
      userId = user.id;
      this.ctx.summary.users++;
      if (username !== name) this.ctx.summary.renamed.push({ from: name, to: username });
    }
    if (this.ctx.authors.size > 100_000) this.ctx.authors.clear();
    this.ctx.authors.set(name, userId);
    return userId;
  }
}

/** An edit summary as Vellum keeps them: one line, at most MAX_SUMMARY_LENGTH characters (a longer one is cut). */
function oneLine(text: string): string {
  return [...flattenSummary(text)].slice(0, MAX_SUMMARY_LENGTH).join("");
}


