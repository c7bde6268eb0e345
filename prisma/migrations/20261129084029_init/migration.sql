-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Handoff" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "fromAgency" TEXT NOT NULL,
    "toAgency" TEXT NOT NULL,
    "caseRef" TEXT NOT NULL,
    "currentStep" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "requestId" UUID NOT NULL,
    "details" JSONB NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Handoff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HandoffStep" (
    "id" UUID NOT NULL,
    "handoffId" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "actorAgency" TEXT NOT NULL,
    "messageId" UUID NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "details" JSONB NOT NULL,

    CONSTRAINT "HandoffStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "schemaVersion" INTEGER NOT NULL,
    "fromAgency" TEXT NOT NULL,
    "toAgency" TEXT NOT NULL,
    "handoffId" UUID NOT NULL,
    "caseRef" TEXT NOT NULL,
    "correlationId" UUID NOT NULL,
    "causationId" UUID,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "priority" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxEntry" (
    "messageId" UUID NOT NULL,
    "fromAgency" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),
    "consumedAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "OutboxEntry_pkey" PRIMARY KEY ("messageId")
);

-- CreateTable
CREATE TABLE "InboxEntry" (
    "agency" TEXT NOT NULL,
    "messageId" UUID NOT NULL,
    "handoffId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveryStatus" TEXT NOT NULL,
    "deliveryAttempts" INTEGER NOT NULL DEFAULT 0,
    "deliveredAt" TIMESTAMPTZ(3),
    "lastDeliveryError" TEXT,
    "acknowledgedAt" TIMESTAMPTZ(3),

    CONSTRAINT "InboxEntry_pkey" PRIMARY KEY ("agency","messageId")
);

-- CreateTable
CREATE TABLE "DeadLetter" (
    "id" UUID NOT NULL,
    "agency" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "messageId" UUID,
    "type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "failedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeadLetter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "agency" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "responseStatus" INTEGER NOT NULL,
    "responseBody" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("agency","key")
);

-- CreateIndex
CREATE INDEX "Handoff_fromAgency_openedAt_idx" ON "Handoff"("fromAgency", "openedAt");

-- CreateIndex
CREATE INDEX "Handoff_toAgency_openedAt_idx" ON "Handoff"("toAgency", "openedAt");

-- CreateIndex
CREATE INDEX "HandoffStep_handoffId_occurredAt_idx" ON "HandoffStep"("handoffId", "occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "HandoffStep_handoffId_step_key" ON "HandoffStep"("handoffId", "step");

-- CreateIndex
CREATE INDEX "Message_handoffId_createdAt_idx" ON "Message"("handoffId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxEntry_fromAgency_publishedAt_createdAt_idx" ON "OutboxEntry"("fromAgency", "publishedAt", "createdAt");

-- CreateIndex
CREATE INDEX "OutboxEntry_fromAgency_consumedAt_publishedAt_idx" ON "OutboxEntry"("fromAgency", "consumedAt", "publishedAt");

-- CreateIndex
CREATE INDEX "InboxEntry_agency_receivedAt_idx" ON "InboxEntry"("agency", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeadLetter_queue_jobId_key" ON "DeadLetter"("queue", "jobId");

-- AddForeignKey
ALTER TABLE "HandoffStep" ADD CONSTRAINT "HandoffStep_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxEntry" ADD CONSTRAINT "OutboxEntry_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
