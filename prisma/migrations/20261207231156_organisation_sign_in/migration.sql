-- Signing in as an organisation (decision 0030): identities by (issuer, subject), never by address. An account
-- remembers how it was made, and a membership whether the organisation's sign-in made it (and so takes it away).
-- AlterTable
ALTER TABLE "groups" ADD COLUMN     "source" TEXT;

-- AlterTable
ALTER TABLE "group_members" ADD COLUMN     "source" TEXT;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'local';

-- CreateTable
CREATE TABLE "identities" (
    "id" SERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_sign_in_at" TIMESTAMPTZ(3),

    CONSTRAINT "identities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_errors" (
    "provider" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "sign_in_errors_pkey" PRIMARY KEY ("provider")
);

-- CreateIndex
CREATE INDEX "identities_user_id_idx" ON "identities"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "identities_issuer_subject_key" ON "identities"("issuer", "subject");

-- AddForeignKey
ALTER TABLE "identities" ADD CONSTRAINT "identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "users" ADD CONSTRAINT "users_origin_check" CHECK ("origin" IN ('local', 'oidc', 'ldap'));
ALTER TABLE "groups" ADD CONSTRAINT "groups_source_check" CHECK ("source" IS NULL OR "source" IN ('oidc', 'ldap'));
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_source_check" CHECK ("source" IS NULL OR "source" IN ('oidc', 'ldap'));
ALTER TABLE "identities" ADD CONSTRAINT "identities_provider_check" CHECK ("provider" IN ('oidc', 'ldap'));
