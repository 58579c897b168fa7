import "server-only";
import type { Tx } from "@/lib/db/transaction";
import { dictionaryWords, readerText, searchTokens, trigramKey } from "./search-text";

/**
 * Keep a page's search entry current, in the transaction of the change that alters it: the full-text vector (of
 * the title and the text a reader sees, split into plain words here: decision 0018), the reader text that
 * snippets are cut from, and the page's share of the spelling dictionary (search_words). `doc` null takes the
 * page out (a delete). The page row must already be locked by the caller.
 */
export async function indexPage(tx: Tx, pageId: number, doc: { title: string; text: string } | null): Promise<void> {
  const rows = await tx.$queryRaw<{ search_words: string[] | null }[]>`SELECT search_words FROM pages WHERE id = ${pageId}`;
  const before = new Set(rows[0]?.search_words ?? []);
  const after = doc ? dictionaryWords(doc.title, doc.text) : [];
  const afterSet = new Set(after);
  const delta = new Map<string, number>();
  for (const w of afterSet) if (!before.has(w)) delta.set(w, 1);
  for (const w of before) if (!afterSet.has(w)) delta.set(w, -1);
  if (delta.size) {
    // one statement, rows in word order: two changes touching the same words lock them in the same order
    const words = [...delta.keys()].sort();
    await tx.$executeRaw`
      INSERT INTO search_words (word, key, pages)
      SELECT w, k, d FROM unnest(${words}::text[], ${words.map(trigramKey)}::text[], ${words.map((w) => delta.get(w)!)}::int[]) AS t(w, k, d)
      ORDER BY w
      ON CONFLICT (word) DO UPDATE SET pages = search_words.pages + excluded.pages`;
  }
  if (!doc) {
    await tx.$executeRaw`UPDATE pages SET search_words = '{}', search_vector = NULL WHERE id = ${pageId}`;
    return;
  }
  await tx.$executeRaw`
    UPDATE pages SET search_text = ${doc.text}, search_words = ${after}::text[],
      search_vector = vellum_search_vector(${searchTokens(doc.title).join(" ")}, ${searchTokens(doc.text).join(" ")})
    WHERE id = ${pageId}`;
}

/** The search document of a page whose current revision rendered to `html`. */
export function searchDocument(title: string, html: string): { title: string; text: string } {
  return { title, text: readerText(html) };
}

/** The page's entry under a new title (a move): same reader text, the new title's words. */
export async function reindexTitle(tx: Tx, pageId: number, title: string): Promise<void> {
  const rows = await tx.$queryRaw<{ search_text: string | null }[]>`SELECT search_text FROM pages WHERE id = ${pageId}`;
  await indexPage(tx, pageId, { title, text: rows[0]?.search_text ?? "" });
}
