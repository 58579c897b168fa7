import "server-only";
import { db, type Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertCanEdit, type Actor } from "@/lib/auth/permissions";
import { assertMayReadTitle, whyNotEditTitle, type Access } from "@/lib/auth/access";

// Drafts and who is editing (docs/decisions/0031-writing.md). A draft is one person's unsaved text of one title
// and the revision it started from; the editor keeps it while the text changes and saving the page deletes it.
// Presence is a row per person and title that the open editor renews; a row not renewed for PRESENCE_SECONDS is
// no one. Both are keyed by title (a page not created yet has them too) and live in PostgreSQL, so every instance
// sees the same ones.

/** How many drafts a person keeps; a new one beyond this replaces their oldest. */
export const MAX_DRAFTS_PER_PERSON = 20;
/** A draft is written at most this often per person and title (the editor writes every few seconds). */
export const DRAFT_MIN_INTERVAL_MS = 1000;
/** An editor renews its presence every PRESENCE_RENEW_SECONDS; a row older than PRESENCE_SECONDS is stale. */
export const PRESENCE_RENEW_SECONDS = 15;
export const PRESENCE_SECONDS = 45;
/** Most editors listed for one page. */
export const MAX_EDITORS_LISTED = 50;

/** Who writes: what the role, block and space rules read. */
type Writer = Actor & { id: string; role: string };

export type DraftView = { markdown: string; baseRevisionId: number | null; savedAt: string };
export type EditorView = { username: string; since: string };

/** 404 unless the person may read the title; 403 unless they may edit it (role, block and space). */
async function assertMayDraft(title: string, user: Writer, access: Access): Promise<void> {
  await assertMayReadTitle(access, title);
  assertCanEdit(user);
  const refusal = await whyNotEditTitle(title, user);
  if (refusal) throw new AppError("forbidden", refusal);
}

const view = (d: { markdown: string; baseRevisionId: number | null; savedAt: Date }): DraftView => ({
  markdown: d.markdown,
  baseRevisionId: d.baseRevisionId,
  savedAt: d.savedAt.toISOString(),
});

/** The person's draft of `title`: 404 when they have none. */
export async function getDraft(title: string, user: Writer, access: Access): Promise<DraftView> {
  await assertMayReadTitle(access, title);
  const draft = await db().draft.findUnique({ where: { userId_title: { userId: user.id, title } } });
  if (!draft) throw new AppError("not_found", `You have no draft of "${title}"`);
  return view(draft);
}

/**
 * Keep the person's draft of `title` (replacing the one before). 429 when the same draft was written less than
 * DRAFT_MIN_INTERVAL_MS ago; a person's drafts beyond MAX_DRAFTS_PER_PERSON go, oldest first.
 */
export async function putDraft(
  title: string, input: { markdown: string; baseRevisionId: number | null }, user: Writer, access: Access,
): Promise<DraftView> {
  await assertMayDraft(title, user, access);
  return db().$transaction(async (tx: Prisma.TransactionClient) => {
    const rows = await tx.$queryRaw<{ markdown: string; base_revision_id: number | null; saved_at: Date }[]>`
      INSERT INTO drafts (user_id, title, markdown, base_revision_id, saved_at)
      VALUES (${user.id}, ${title}, ${input.markdown}, ${input.baseRevisionId}, now())
      ON CONFLICT (user_id, title) DO UPDATE
        SET markdown = EXCLUDED.markdown, base_revision_id = EXCLUDED.base_revision_id, saved_at = now()
        WHERE drafts.saved_at < now() - make_interval(secs => ${DRAFT_MIN_INTERVAL_MS / 1000})
      RETURNING markdown, base_revision_id, saved_at`;
    const row = rows[0];
    if (!row) throw new AppError("rate_limited", "This draft was saved a moment ago; try again in a second", { retryAfter: 1 });
    await tx.$executeRaw`
      DELETE FROM drafts WHERE user_id = ${user.id} AND title IN (
        SELECT title FROM drafts WHERE user_id = ${user.id} ORDER BY saved_at DESC OFFSET ${MAX_DRAFTS_PER_PERSON})`;
    return view({ markdown: row.markdown, baseRevisionId: row.base_revision_id, savedAt: row.saved_at });
  });
}

/** Forget the person's draft of `title`, answering what it held: 404 when they have none. */
export async function deleteDraft(title: string, user: Writer, access: Access): Promise<DraftView> {
  await assertMayReadTitle(access, title);
  const rows = await db().$queryRaw<{ markdown: string; base_revision_id: number | null; saved_at: Date }[]>`
    DELETE FROM drafts WHERE user_id = ${user.id} AND title = ${title} RETURNING markdown, base_revision_id, saved_at`;
  const row = rows[0];
  if (!row) throw new AppError("not_found", `You have no draft of "${title}"`);
  return view({ markdown: row.markdown, baseRevisionId: row.base_revision_id, savedAt: row.saved_at });
}

/** Who has `title` open in the editor now (renewed within PRESENCE_SECONDS), longest first. */
export async function editorsOf(title: string, access: Access): Promise<EditorView[]> {
  await assertMayReadTitle(access, title);
  const rows = await db().editorPresence.findMany({
    where: { title, seenAt: { gt: new Date(Date.now() - PRESENCE_SECONDS * 1000) } },
    orderBy: { since: "asc" },
    take: MAX_EDITORS_LISTED,
    select: { since: true, user: { select: { username: true } } },
  });
  return rows.map((r) => ({ username: r.user.username, since: r.since.toISOString() }));
}

/**
 * The person has `title` open in the editor: renew their presence (from now, or from when they opened it if
 * their row is still fresh) and answer who is editing it. Stale rows of the title go.
 */
export async function renewPresence(title: string, user: Writer, access: Access): Promise<EditorView[]> {
  await assertMayDraft(title, user, access);
  await db().$executeRaw`
    INSERT INTO editor_presence (user_id, title, since, seen_at) VALUES (${user.id}, ${title}, now(), now())
    ON CONFLICT (user_id, title) DO UPDATE SET seen_at = now(),
      since = CASE WHEN editor_presence.seen_at < now() - make_interval(secs => ${PRESENCE_SECONDS}) THEN now() ELSE editor_presence.since END`;
  // stale rows of this title, and this person's on other titles, go (neither list grows without bound)
  await db().$executeRaw`
    DELETE FROM editor_presence WHERE (title = ${title} OR user_id = ${user.id})
      AND seen_at < now() - make_interval(secs => ${PRESENCE_SECONDS})`;
  return editorsOf(title, access);
}

/** The person closed the editor. */
export async function endPresence(title: string, user: { id: string }): Promise<void> {
  await db().editorPresence.deleteMany({ where: { userId: user.id, title } });
}
