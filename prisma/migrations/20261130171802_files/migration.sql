-- AlterEnum
ALTER TYPE "RevisionKind" ADD VALUE 'upload';

-- AlterTable
ALTER TABLE "pages" ADD COLUMN     "file_version_id" INTEGER;

-- CreateTable
CREATE TABLE "blobs" (
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "content_type" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blobs_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "blob_chunks" (
    "sha256" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "blob_chunks_pkey" PRIMARY KEY ("sha256","n")
);

-- CreateTable
CREATE TABLE "derived_images" (
    "sha256" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "content_type" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "derived_images_pkey" PRIMARY KEY ("sha256","width")
);

-- CreateTable
CREATE TABLE "file_versions" (
    "id" SERIAL NOT NULL,
    "page_id" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "author_id" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "revision_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "file_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "file_versions_revision_id_key" ON "file_versions"("revision_id");

-- CreateIndex
CREATE INDEX "file_versions_sha256_idx" ON "file_versions"("sha256");

-- CreateIndex
CREATE INDEX "file_versions_author_id_created_at_idx" ON "file_versions"("author_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "file_versions_page_id_number_key" ON "file_versions"("page_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "pages_file_version_id_key" ON "pages"("file_version_id");

-- CreateIndex
CREATE INDEX "pages_redirect_to_idx" ON "pages"("redirect_to");

-- AddForeignKey
ALTER TABLE "pages" ADD CONSTRAINT "pages_file_version_id_fkey" FOREIGN KEY ("file_version_id") REFERENCES "file_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "derived_images" ADD CONSTRAINT "derived_images_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "blobs"("sha256") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_page_id_fkey" FOREIGN KEY ("page_id") REFERENCES "pages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "blobs"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "file_versions" ADD CONSTRAINT "file_versions_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "revisions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Chunks are mostly compressed already (images, PDFs): store them as they are, without trying to compress again.
ALTER TABLE "blob_chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
ALTER TABLE "derived_images" ALTER COLUMN "data" SET STORAGE EXTERNAL;
