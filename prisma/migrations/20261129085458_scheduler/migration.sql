-- CreateTable
CREATE TABLE "Obligation" (
    "id" UUID NOT NULL,
    "handoffId" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "responsibleAgency" TEXT NOT NULL,
    "startAt" TIMESTAMPTZ(3) NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "provisional" BOOLEAN NOT NULL DEFAULT false,
    "missingYears" INTEGER[],
    "greenChannel" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "fulfilledAt" TIMESTAMPTZ(3),
    "late" BOOLEAN,
    "nextLevel" TEXT,
    "nextActionAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Obligation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" UUID NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "obligationId" UUID,
    "handoffId" UUID,
    "agency" TEXT,
    "recipients" JSONB NOT NULL,
    "summary" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),
    "webhookDeliveredAt" TIMESTAMPTZ(3),
    "emailSentAt" TIMESTAMPTZ(3),
    "acknowledgedAt" TIMESTAMPTZ(3),
    "acknowledgedBy" TEXT,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertNote" (
    "id" UUID NOT NULL,
    "alertId" UUID NOT NULL,
    "author" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarYear" (
    "year" INTEGER NOT NULL,
    "holidays" TEXT[],
    "makeupWorkdays" TEXT[],
    "loadedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "loadedBy" TEXT NOT NULL,

    CONSTRAINT "CalendarYear_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "RosterEntry" (
    "agency" TEXT NOT NULL,
    "leaderName" TEXT NOT NULL,
    "leaderPhone" TEXT NOT NULL,
    "leaderEmail" TEXT NOT NULL,
    "liaisonName" TEXT NOT NULL,
    "liaisonPhone" TEXT NOT NULL,
    "liaisonEmail" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RosterEntry_pkey" PRIMARY KEY ("agency")
);

-- CreateIndex
CREATE INDEX "Obligation_open_nextActionAt_idx" ON "Obligation"("nextActionAt") WHERE (status = 'open');

-- CreateIndex
CREATE INDEX "Obligation_responsibleAgency_status_dueAt_idx" ON "Obligation"("responsibleAgency", "status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Obligation_handoffId_rule_key" ON "Obligation"("handoffId", "rule");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_dedupeKey_key" ON "Alert"("dedupeKey");

-- CreateIndex
CREATE INDEX "Alert_unpublished_idx" ON "Alert"("publishedAt") WHERE ("publishedAt" IS NULL);

-- CreateIndex
CREATE INDEX "Alert_kind_acknowledgedAt_createdAt_idx" ON "Alert"("kind", "acknowledgedAt", "createdAt");

-- CreateIndex
CREATE INDEX "AlertNote_alertId_createdAt_idx" ON "AlertNote"("alertId", "createdAt");

-- AddForeignKey
ALTER TABLE "AlertNote" ADD CONSTRAINT "AlertNote_alertId_fkey" FOREIGN KEY ("alertId") REFERENCES "Alert"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
