-- AlterTable
ALTER TABLE "users" ADD COLUMN     "tracker_passkey" TEXT;

-- CreateTable
CREATE TABLE "blocked_info_hashes" (
    "info_hash" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" UUID,

    CONSTRAINT "blocked_info_hashes_pkey" PRIMARY KEY ("info_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_tracker_passkey_key" ON "users"("tracker_passkey");
