-- CreateTable
CREATE TABLE "instances" (
    "id" TEXT NOT NULL,
    "lease_until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "instances_pkey" PRIMARY KEY ("id")
);

-- Notices (decision 0021): every change that can alter a document an instance keeps in memory announces, at its
-- commit, what it touched on the channel vellum_views, from the database itself, so no write path can forget:
--   t:<title>  the views of this title (article, history, talk, backlinks, its API reads) may have changed
--   w          anything a list shows may have changed (recent changes, all pages, search, profiles...)
--   u:<id>     this person's record or watches changed (what the front fills into their documents)
-- PostgreSQL delivers a transaction's notices at its commit, once per distinct payload, in commit order.
-- vellum_notify(prefix, 'w' or '-', column...): for the old and the new row, prefix || each named column that is
-- not null, then 'w' unless told '-'. The body is one E'' string with its semicolons written \073, because
-- Prisma's pg adapter (which replays migrations for `migration:check`) splits scripts at every semicolon, comments too.
CREATE FUNCTION vellum_notify() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE r jsonb\073 i int\073
BEGIN
  FOREACH r IN ARRAY ARRAY[CASE WHEN TG_OP <> ''INSERT'' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> ''DELETE'' THEN to_jsonb(NEW) END] LOOP
    CONTINUE WHEN r IS NULL\073
    FOR i IN 2 .. TG_NARGS - 1 LOOP
      IF r ->> TG_ARGV[i] IS NOT NULL THEN PERFORM pg_notify(''vellum_views'', TG_ARGV[0] || (r ->> TG_ARGV[i]))\073 END IF\073
    END LOOP\073
  END LOOP\073
  IF TG_ARGV[1] = ''w'' THEN PERFORM pg_notify(''vellum_views'', ''w'')\073 END IF\073
  RETURN NULL\073
END
';
CREATE TRIGGER pages_notify AFTER INSERT OR UPDATE OR DELETE ON "pages" FOR EACH ROW EXECUTE FUNCTION vellum_notify('t:', 'w', 'title', 'deleted_title');
CREATE TRIGGER talks_notify AFTER INSERT OR UPDATE OR DELETE ON "talks" FOR EACH ROW EXECUTE FUNCTION vellum_notify('t:', 'w', 'title');
CREATE TRIGGER comments_notify AFTER INSERT OR UPDATE OR DELETE ON "comments" FOR EACH ROW EXECUTE FUNCTION vellum_notify('t:', 'w', 'title');
CREATE TRIGGER links_notify AFTER INSERT OR UPDATE OR DELETE ON "links" FOR EACH ROW EXECUTE FUNCTION vellum_notify('t:', 'w', 'target');
CREATE TRIGGER users_notify AFTER INSERT OR UPDATE OR DELETE ON "users" FOR EACH ROW EXECUTE FUNCTION vellum_notify('u:', 'w', 'id');
CREATE TRIGGER watches_notify AFTER INSERT OR DELETE ON "watches" FOR EACH ROW EXECUTE FUNCTION vellum_notify('u:', '-', 'user_id');
