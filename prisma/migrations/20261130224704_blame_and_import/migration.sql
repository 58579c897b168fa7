-- CreateTable
CREATE TABLE "revision_blames" (
    "revision_id" INTEGER NOT NULL,
    "runs" INTEGER[],

    CONSTRAINT "revision_blames_pkey" PRIMARY KEY ("revision_id")
);

-- CreateTable
CREATE TABLE "imported_revisions" (
    "source" TEXT NOT NULL,
    "source_revision_id" BIGINT NOT NULL,
    "revision_id" INTEGER NOT NULL,

    CONSTRAINT "imported_revisions_pkey" PRIMARY KEY ("source","source_revision_id")
);

-- CreateTable
CREATE TABLE "imported_authors" (
    "source" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,

    CONSTRAINT "imported_authors_pkey" PRIMARY KEY ("source","name")
);

-- CreateTable
CREATE TABLE "import_runs" (
    "id" SERIAL NOT NULL,
    "source" TEXT,
    "origin" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "bytes_read" BIGINT NOT NULL DEFAULT 0,
    "bytes_total" BIGINT,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "revisions" INTEGER NOT NULL DEFAULT 0,
    "users" INTEGER NOT NULL DEFAULT 0,
    "skipped" JSONB NOT NULL DEFAULT '[]',
    "renamed" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "import_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "imported_revisions_revision_id_key" ON "imported_revisions"("revision_id");

-- CreateIndex
CREATE INDEX "import_runs_started_at_idx" ON "import_runs"("started_at");

-- AddForeignKey
ALTER TABLE "revision_blames" ADD CONSTRAINT "revision_blames_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "imported_revisions" ADD CONSTRAINT "imported_revisions_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "imported_authors" ADD CONSTRAINT "imported_authors_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
