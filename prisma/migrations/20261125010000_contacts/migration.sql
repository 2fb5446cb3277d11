-- CreateEnum
CREATE TYPE "ContactState" AS ENUM ('outgoing', 'incoming', 'accepted', 'blocked');

-- CreateTable
CREATE TABLE "contacts" (
    "owner_id" UUID NOT NULL,
    "peer_id" UUID NOT NULL,
    "state" "ContactState" NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("owner_id","peer_id")
);

-- CreateIndex
CREATE INDEX "contacts_peer_id_idx" ON "contacts"("peer_id");

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_peer_id_fkey" FOREIGN KEY ("peer_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
