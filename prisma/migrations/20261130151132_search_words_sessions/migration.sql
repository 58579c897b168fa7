-- AlterTable
ALTER TABLE "pages" ADD COLUMN     "search_text" TEXT,
ADD COLUMN     "search_words" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "session_generation" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "search_words" (
    "word" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "pages" INTEGER NOT NULL,

    CONSTRAINT "search_words_pkey" PRIMARY KEY ("word")
);

-- CreateIndex
CREATE INDEX "search_words_key_idx" ON "search_words" USING GIN ("key" gin_trgm_ops);
