-- CreateTable
CREATE TABLE "cdn_purges" (
    "id" BIGSERIAL NOT NULL,
    "txid" BIGINT NOT NULL,
    "tags" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seen_at" TIMESTAMPTZ(3),
    "sent_to" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "rebound_to" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "claimed_until" TIMESTAMPTZ(3),

    CONSTRAINT "cdn_purges_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cdn_purges_txid_key" ON "cdn_purges"("txid");

-- CreateIndex
CREATE INDEX "cdn_purges_created_at_idx" ON "cdn_purges"("created_at");

-- Purges of the shared HTTP caches (decision 0025), queued by the database itself in the changing transaction,
-- like the notices of decision 0021, so no write path can forget one: the keys of what changed (t:<title>, and w
-- for the lists every change may alter) gathered into one row per transaction. People's own records (u:) are
-- never in a shared cache and never purged. Statement-level triggers over the transition tables, so a statement
-- touching 10,000 rows (a page's links) costs one grouped query, not 10,000 updates of the row.
-- vellum_queue_purge(prefix, column...): prefix || each named column of the old and new rows that is not null, and
-- w when any row changed. The body is one E'' string with its semicolons written \073, as in vellum_notify.
CREATE FUNCTION vellum_queue_purge() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE q text := ''''\073 src text\073 i int\073 k text[]\073
BEGIN
  FOREACH src IN ARRAY CASE TG_OP WHEN ''INSERT'' THEN ARRAY[''new_rows''] WHEN ''DELETE'' THEN ARRAY[''old_rows''] ELSE ARRAY[''old_rows'', ''new_rows''] END LOOP
    q := q || CASE WHEN q = '''' THEN '''' ELSE '' UNION ALL '' END || format(''SELECT ''''w'''' FROM (SELECT 1 FROM %I LIMIT 1) one'', src)\073
    FOR i IN 1 .. TG_NARGS - 1 LOOP
      q := q || format('' UNION ALL SELECT %L || %I FROM %I'', TG_ARGV[0], TG_ARGV[i], src)\073
    END LOOP\073
  END LOOP\073
  EXECUTE ''SELECT array_agg(DISTINCT t) FROM ('' || q || '') x(t) WHERE t IS NOT NULL'' INTO k\073
  IF k IS NULL THEN RETURN NULL\073 END IF\073
  INSERT INTO cdn_purges (txid, tags) VALUES (pg_current_xact_id()::text::bigint, k)
    ON CONFLICT (txid) DO UPDATE SET tags = ARRAY(SELECT DISTINCT unnest(cdn_purges.tags || EXCLUDED.tags))
    WHERE NOT cdn_purges.tags @> EXCLUDED.tags\073
  RETURN NULL\073
END
';
CREATE TRIGGER pages_purge_insert AFTER INSERT ON "pages" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title', 'deleted_title');
CREATE TRIGGER pages_purge_update AFTER UPDATE ON "pages" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title', 'deleted_title');
CREATE TRIGGER pages_purge_delete AFTER DELETE ON "pages" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title', 'deleted_title');
CREATE TRIGGER talks_purge_insert AFTER INSERT ON "talks" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title');
CREATE TRIGGER talks_purge_update AFTER UPDATE ON "talks" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title');
CREATE TRIGGER talks_purge_delete AFTER DELETE ON "talks" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title');
CREATE TRIGGER comments_purge_insert AFTER INSERT ON "comments" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title');
CREATE TRIGGER comments_purge_update AFTER UPDATE ON "comments" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title');
CREATE TRIGGER comments_purge_delete AFTER DELETE ON "comments" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'title');
CREATE TRIGGER links_purge_insert AFTER INSERT ON "links" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'target');
CREATE TRIGGER links_purge_update AFTER UPDATE ON "links" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'target');
CREATE TRIGGER links_purge_delete AFTER DELETE ON "links" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('t:', 'target');
CREATE TRIGGER users_purge_insert AFTER INSERT ON "users" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('u:');
CREATE TRIGGER users_purge_update AFTER UPDATE ON "users" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('u:');
CREATE TRIGGER users_purge_delete AFTER DELETE ON "users" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vellum_queue_purge('u:');
