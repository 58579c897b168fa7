-- Drafts and who is editing (decision 0031): a person's unsaved text of a title, kept by the editor while it changes,
-- and who has a title open in the editor now.
-- CreateTable
CREATE TABLE "drafts" (
    "user_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "markdown" TEXT NOT NULL,
    "base_revision_id" INTEGER,
    "saved_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drafts_pkey" PRIMARY KEY ("user_id","title")
);

-- CreateTable
CREATE TABLE "editor_presence" (
    "user_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "editor_presence_pkey" PRIMARY KEY ("user_id","title")
);

-- CreateIndex
CREATE INDEX "drafts_user_id_saved_at_idx" ON "drafts"("user_id", "saved_at");

-- CreateIndex
CREATE INDEX "editor_presence_title_seen_at_idx" ON "editor_presence"("title", "seen_at");

-- AddForeignKey
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "editor_presence" ADD CONSTRAINT "editor_presence_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
