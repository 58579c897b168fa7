-- AlterTable
ALTER TABLE "digest_entries" ADD COLUMN     "page_title" TEXT;

-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "page_title" TEXT,
ADD COLUMN     "user_id" TEXT;

-- AlterTable
ALTER TABLE "pages" ADD COLUMN     "read_space" TEXT;

-- CreateTable
CREATE TABLE "groups" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "group_members" (
    "group_id" INTEGER NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "group_members_pkey" PRIMARY KEY ("group_id","user_id")
);

-- CreateTable
CREATE TABLE "spaces" (
    "prefix" TEXT NOT NULL,
    "read_all" BOOLEAN NOT NULL DEFAULT true,
    "read" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "edit_all" BOOLEAN NOT NULL DEFAULT true,
    "edit" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "spaces_pkey" PRIMARY KEY ("prefix")
);

-- CreateTable
CREATE TABLE "access_epoch" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "epoch" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "access_epoch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "groups_name_key_key" ON "groups"("name_key");

-- CreateIndex
CREATE INDEX "group_members_user_id_idx" ON "group_members"("user_id");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- CreateIndex
CREATE INDEX "pages_read_space_idx" ON "pages"("read_space");

-- AddForeignKey
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Private spaces (decision 0029). The one rule that decides which space a title belongs to, written once, here:
-- a space covers its prefix as a whole title or as whole leading segments ("Team" covers "Team" and "Team/...",
-- never "Teamwork"), and the same under "File:" (a team's files are its own). The longest covering prefix decides.
-- Bodies are single-quoted strings without semicolons, because Prisma's pg adapter splits scripts at every one.
CREATE FUNCTION vellum_covers(prefix text, t text) RETURNS boolean LANGUAGE sql IMMUTABLE AS '
  SELECT t = prefix OR left(t, length(prefix) + 1) = prefix || ''/''
      OR t = ''File:'' || prefix OR left(t, length(prefix) + 6) = ''File:'' || prefix || ''/''
';
CREATE FUNCTION vellum_space_of(t text) RETURNS spaces LANGUAGE sql STABLE AS '
  SELECT s.* FROM spaces s WHERE vellum_covers(s.prefix, t) ORDER BY length(s.prefix) DESC LIMIT 1
';

-- The private space whose read list decides who may read title t, or null when everyone may.
CREATE FUNCTION vellum_read_space(t text) RETURNS text LANGUAGE sql STABLE AS '
  SELECT CASE WHEN s.read_all THEN NULL ELSE s.prefix END FROM vellum_space_of(t) s
';

-- Every page row carries its read space, set by the database whenever its title changes, so no write path
-- (saves, moves, deletes, restores, imports, restores from a backup) can forget it.
CREATE FUNCTION vellum_set_read_space() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  NEW.read_space := vellum_read_space(coalesce(NEW.title, NEW.deleted_title))\073
  RETURN NEW\073
END
';
CREATE TRIGGER pages_read_space BEFORE INSERT OR UPDATE OF title, deleted_title ON "pages"
  FOR EACH ROW EXECUTE FUNCTION vellum_set_read_space();

INSERT INTO "access_epoch" (id, epoch) VALUES (1, 0);

-- Any change of groups, members or spaces is a new access epoch and the notice a: every instance forgets whom it
-- knew to be in which audience. A member's own notice (u:) goes too, as for any change of that person.
CREATE FUNCTION vellum_access_changed() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  UPDATE access_epoch SET epoch = epoch + 1 WHERE id = 1\073
  PERFORM pg_notify(''vellum_views'', ''a'')\073
  RETURN NULL\073
END
';
CREATE TRIGGER groups_access AFTER INSERT OR UPDATE OR DELETE ON "groups" FOR EACH STATEMENT EXECUTE FUNCTION vellum_access_changed();
CREATE TRIGGER group_members_access AFTER INSERT OR UPDATE OR DELETE ON "group_members" FOR EACH STATEMENT EXECUTE FUNCTION vellum_access_changed();
CREATE TRIGGER spaces_access AFTER INSERT OR UPDATE OR DELETE ON "spaces" FOR EACH STATEMENT EXECUTE FUNCTION vellum_access_changed();
CREATE TRIGGER group_members_notify AFTER INSERT OR DELETE ON "group_members" FOR EACH ROW EXECUTE FUNCTION vellum_notify('u:', '-', 'user_id');

-- Is person uid named by a space's list (user:<username key>, or group:<name key> of a group they are in)?
CREATE FUNCTION vellum_principal_in(list text[], uid text) RETURNS boolean LANGUAGE sql STABLE AS '
  SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = uid AND (''user:'' || u.username_key) = ANY(list))
      OR EXISTS (SELECT 1 FROM group_members m JOIN groups g ON g.id = m.group_id
                 WHERE m.user_id = uid AND (''group:'' || g.name_key) = ANY(list))
';

-- May person uid read title t now? Administrators read everything, anyone else what is outside a private space
-- or in one whose read list names them. Mail asks it when it is queued and again when it is sent.
CREATE FUNCTION vellum_may_read(uid text, t text) RETURNS boolean LANGUAGE sql STABLE AS '
  SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = uid AND u.role = ''admin'')
      OR coalesce((SELECT s.read_all OR vellum_principal_in(s.read, uid) FROM vellum_space_of(t) s WHERE s.prefix IS NOT NULL), true)
';

-- A principal as people read it: its group's or person's own spelling (lists hold name keys), or as stored when
-- neither exists any more.
CREATE FUNCTION vellum_principal_name(p text) RETURNS text LANGUAGE sql STABLE AS '
  SELECT coalesce(
    CASE WHEN p LIKE ''group:%'' THEN (SELECT ''group:'' || g.name FROM groups g WHERE g.name_key = substr(p, 7))
         WHEN p LIKE ''user:%'' THEN (SELECT ''user:'' || u.username FROM users u WHERE u.username_key = substr(p, 6)) END,
    p)
';
