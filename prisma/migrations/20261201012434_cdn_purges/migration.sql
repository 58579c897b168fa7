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
-- never in a shared cache and never purged. vellum_queue_purge(prefix, column...): prefix || each named column of
-- the old and new row that is not null, and w. The body is one E'' string with its semicolons written \073, as in
-- vellum_notify.
CREATE FUNCTION vellum_queue_purge() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE r jsonb\073 i int\073 k text[] := ARRAY[''w'']\073
BEGIN
  FOREACH r IN ARRAY ARRAY[CASE WHEN TG_OP <> ''INSERT'' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> ''DELETE'' THEN to_jsonb(NEW) END] LOOP
    CONTINUE WHEN r IS NULL\073
    FOR i IN 1 .. TG_NARGS - 1 LOOP
      IF r ->> TG_ARGV[i] IS NOT NULL AND NOT (TG_ARGV[0] || (r ->> TG_ARGV[i])) = ANY (k) THEN k := k || (TG_ARGV[0] || (r ->> TG_ARGV[i]))\073 END IF\073
    END LOOP\073
  END LOOP\073
  INSERT INTO cdn_purges (txid, tags) VALUES (pg_current_xact_id()::text::bigint, k)
    ON CONFLICT (txid) DO UPDATE SET tags = ARRAY(SELECT DISTINCT unnest(cdn_purges.tags || EXCLUDED.tags))
    WHERE NOT cdn_purges.tags @> EXCLUDED.tags\073
  RETURN NULL\073
END
';
CREATE TRIGGER pages_purge AFTER INSERT OR UPDATE OR DELETE ON "pages" FOR EACH ROW EXECUTE FUNCTION vellum_queue_purge('t:', 'title', 'deleted_title');
CREATE TRIGGER talks_purge AFTER INSERT OR UPDATE OR DELETE ON "talks" FOR EACH ROW EXECUTE FUNCTION vellum_queue_purge('t:', 'title');
CREATE TRIGGER comments_purge AFTER INSERT OR UPDATE OR DELETE ON "comments" FOR EACH ROW EXECUTE FUNCTION vellum_queue_purge('t:', 'title');
CREATE TRIGGER links_purge AFTER INSERT OR UPDATE OR DELETE ON "links" FOR EACH ROW EXECUTE FUNCTION vellum_queue_purge('t:', 'target');
CREATE TRIGGER users_purge AFTER INSERT OR UPDATE OR DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION vellum_queue_purge('u:');
