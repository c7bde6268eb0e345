-- Issue 10, the policy's duties as the text writes them.
-- 第二十条 ¶2: the procuratorate's decision whether to pay first (先行救助) is a step of its own on
-- the timeline, beside the chain of 第二十一条 (never a handoff's currentStep).
ALTER TYPE "Step" ADD VALUE IF NOT EXISTS 'advance-payment-decided';

-- 第十九条 ¶1, 第二十条 ¶1: duties registered before anything is sent (investigation ended, lead discovered).
CREATE TABLE "DutyRegistration" (
    "id" UUID NOT NULL,
    "agency" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "caseRef" TEXT NOT NULL,
    "statedOn" TEXT NOT NULL,
    "registeredAt" TIMESTAMPTZ(3) NOT NULL,
    "plannedAt" TIMESTAMPTZ(3),
    "fulfilledAt" TIMESTAMPTZ(3),
    "handoffId" UUID,

    CONSTRAINT "DutyRegistration_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "DutyRegistration_agency_kind_caseRef_key" ON "DutyRegistration"("agency", "kind", "caseRef");
CREATE INDEX "DutyRegistration_unplanned_idx" ON "DutyRegistration"("plannedAt") WHERE "plannedAt" IS NULL;

-- 第二十四条 归档: closed handoffs (feedback received) are archived after a configurable period.
ALTER TABLE "Handoff" ADD COLUMN "archivedAt" TIMESTAMPTZ(3);

-- 第九条, 第十九条: attachments travel with a handoff, stored outside the message row (never in Redis).
CREATE TABLE "Attachment" (
    "id" UUID NOT NULL,
    "handoffId" UUID NOT NULL,
    "uploadedBy" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Attachment_handoffId_createdAt_idx" ON "Attachment"("handoffId", "createdAt");
