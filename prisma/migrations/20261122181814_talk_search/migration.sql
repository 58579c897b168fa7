-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- AlterTable
ALTER TABLE "pages" ADD COLUMN     "search_vector" tsvector;

-- CreateTable
CREATE TABLE "comments" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "author_id" TEXT,
    "content" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    "client_key" TEXT NOT NULL,

    CONSTRAINT "comments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "talks" (
    "title" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "comments" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "talks_pkey" PRIMARY KEY ("title")
);

-- CreateIndex
CREATE INDEX "comments_title_id_idx" ON "comments"("title", "id");

-- CreateIndex
CREATE INDEX "comments_created_at_idx" ON "comments"("created_at");

-- CreateIndex
CREATE INDEX "comments_client_key_created_at_idx" ON "comments"("client_key", "created_at");

-- CreateIndex
CREATE INDEX "comments_author_id_created_at_idx" ON "comments"("author_id", "created_at");

-- CreateIndex
CREATE INDEX "revisions_created_at_id_idx" ON "revisions"("created_at", "id");

-- CreateIndex
CREATE INDEX "pages_search_vector_idx" ON "pages" USING GIN ("search_vector");

-- CreateIndex
CREATE INDEX "pages_title_trgm_idx" ON "pages" USING GIN ("title" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "comments" ADD CONSTRAINT "comments_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The search vector of a page, in one place: the app sets it with this function in the transaction of every
-- change. Title words (weight A) rank above text words (weight B), each as written (simple: any language) and
-- stemmed (english). Only the first 60,000 characters of the text are indexed (a tsvector holds at most 1 MB).
CREATE OR REPLACE FUNCTION vellum_search_vector(title text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
      || setweight(to_tsvector('simple'::regconfig, left(coalesce(body, ''), 60000)), 'B')
      || setweight(to_tsvector('english'::regconfig, left(coalesce(body, ''), 60000)), 'B')
$fn$;

UPDATE "pages" p SET "search_vector" = vellum_search_vector(p."title", r."markdown")
FROM "revisions" r WHERE r."id" = p."latest_revision_id" AND p."title" IS NOT NULL;
