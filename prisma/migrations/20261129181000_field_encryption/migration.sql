-- Issue 9 part 2: citizen fields encrypted at rest, field by field (libs/security), and a keyed
-- hash of the resident ID number for lookup; data keys wrapped under the configured master key.
ALTER TABLE "Handoff" ADD COLUMN "dataKeyId" TEXT, ADD COLUMN "personIdHash" TEXT;
ALTER TABLE "HandoffStep" ADD COLUMN "dataKeyId" TEXT;
ALTER TABLE "Message" ADD COLUMN "dataKeyId" TEXT;

CREATE INDEX "Handoff_personIdHash_idx" ON "Handoff"("personIdHash");
CREATE INDEX "Handoff_dataKeyId_idx" ON "Handoff"("dataKeyId");
CREATE INDEX "HandoffStep_dataKeyId_idx" ON "HandoffStep"("dataKeyId");
CREATE INDEX "Message_dataKeyId_idx" ON "Message"("dataKeyId");

CREATE TABLE "DataKey" (
    "id" TEXT NOT NULL,
    "wrapped" TEXT NOT NULL,
    "masterKeyFingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMPTZ(3),

    CONSTRAINT "DataKey_pkey" PRIMARY KEY ("id")
);
