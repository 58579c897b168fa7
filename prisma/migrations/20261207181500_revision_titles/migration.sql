-- AlterTable
ALTER TABLE "revisions" ADD COLUMN     "title" TEXT;

-- Each revision's title, for the revisions made before this column (decision 0028). A page that never moved has
-- had one title. A moved page's is walked back from its title now through its moves, newest first: a move's
-- summary starts with Moved “FROM” to “TO” (lib/wiki/page-lifecycle.ts) and TO is known at each step, so FROM is
-- read with TO as its anchor, never guessed from the quotes. Where that fails (a summary not of that form) the
-- earlier revisions stay null, and the export names them by the earliest title known. The block's semicolons are
-- written \073 (see the coherence migration: the pg adapter splits scripts at each one).
UPDATE "revisions" r SET "title" = coalesce(p."title", p."deleted_title")
FROM "pages" p
WHERE p."id" = r."page_id" AND NOT EXISTS (SELECT 1 FROM "revisions" m WHERE m."page_id" = p."id" AND m."kind" = 'move');

DO E'
DECLARE pg record\073 rev record\073 current_title text\073 anchor text\073 at integer\073
BEGIN
  FOR pg IN SELECT p.id, coalesce(p.title, p.deleted_title) AS t FROM pages p
            WHERE EXISTS (SELECT 1 FROM revisions m WHERE m.page_id = p.id AND m.kind = ''move'') LOOP
    current_title := pg.t\073
    FOR rev IN SELECT id, kind, summary FROM revisions WHERE page_id = pg.id ORDER BY number DESC LOOP
      EXIT WHEN current_title IS NULL\073
      UPDATE revisions SET title = current_title WHERE id = rev.id\073
      IF rev.kind = ''move'' THEN
        anchor := ''” to “'' || current_title || ''”''\073
        at := position(anchor IN rev.summary)\073
        IF left(rev.summary, 7) = ''Moved “'' AND at > 8
           AND (length(rev.summary) = at + length(anchor) - 1 OR substr(rev.summary, at + length(anchor), 2) = '': '') THEN
          current_title := substr(rev.summary, 8, at - 8)\073
        ELSE
          current_title := NULL\073
        END IF\073
      END IF\073
    END LOOP\073
  END LOOP\073
END
';
