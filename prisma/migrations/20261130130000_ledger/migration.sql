-- CreateTable
CREATE TABLE "AssistanceMeasure" (
    "id" UUID NOT NULL,
    "handoffId" UUID NOT NULL,
    "agency" TEXT NOT NULL,
    "personIdHash" TEXT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "decidedOn" TEXT NOT NULL,
    "amountFen" INTEGER,
    "instalments" INTEGER,
    "details" JSONB NOT NULL,
    "dataKeyId" TEXT,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AssistanceMeasure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AssistanceMeasure_personIdHash_idx" ON "AssistanceMeasure"("personIdHash");

-- CreateIndex
CREATE INDEX "AssistanceMeasure_agency_decidedOn_idx" ON "AssistanceMeasure"("agency", "decidedOn");

-- CreateIndex
CREATE INDEX "AssistanceMeasure_handoffId_idx" ON "AssistanceMeasure"("handoffId");

-- CreateIndex
CREATE INDEX "AssistanceMeasure_dataKeyId_idx" ON "AssistanceMeasure"("dataKeyId");

-- AddForeignKey
ALTER TABLE "AssistanceMeasure" ADD CONSTRAINT "AssistanceMeasure_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
