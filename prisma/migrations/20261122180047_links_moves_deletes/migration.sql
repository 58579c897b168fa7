-- CreateEnum
CREATE TYPE "RevisionKind" AS ENUM ('create', 'edit', 'revert', 'move', 'delete', 'restore');

-- AlterTable
ALTER TABLE "pages" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "deleted_reason" TEXT,
ADD COLUMN     "deleted_title" TEXT,
ADD COLUMN     "links_renderer" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "view_version" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "redirect_to" TEXT,
ALTER COLUMN "title" DROP NOT NULL;

-- AlterTable
ALTER TABLE "revision_renders" ADD COLUMN     "links" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "revisions" ADD COLUMN     "kind" "RevisionKind" NOT NULL DEFAULT 'edit';

-- CreateTable
CREATE TABLE "links" (
    "source_id" INTEGER NOT NULL,
    "target" TEXT NOT NULL,

    CONSTRAINT "links_pkey" PRIMARY KEY ("source_id","target")
);

-- CreateTable
CREATE TABLE "link_locks" (
    "bucket" INTEGER NOT NULL,

    CONSTRAINT "link_locks_pkey" PRIMARY KEY ("bucket")
);

-- CreateIndex
CREATE INDEX "links_target_idx" ON "links"("target");

-- CreateIndex
CREATE INDEX "pages_deleted_title_idx" ON "pages"("deleted_title");

-- AddForeignKey
ALTER TABLE "links" ADD CONSTRAINT "links_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "pages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Data: the kind of existing revisions (first revisions created their page, reverts said so in their summary),
-- and the lock buckets.
UPDATE "revisions" SET "kind" = 'create' WHERE "number" = 1;
UPDATE "revisions" SET "kind" = 'revert' WHERE "number" > 1 AND "summary" LIKE 'Reverted to revision %';
INSERT INTO "link_locks" ("bucket") SELECT generate_series(0, 255);
