-- Every message has a state in PostgreSQL, written by the party that owns it (ARCHITECTURE §15):
-- a consumer's retry (next attempt at) and its permanent failure, a webhook delivery's retry and
-- republication, an alert's completion, and the job data a dead letter needs to be replayed.
ALTER TABLE "OutboxEntry" ADD COLUMN "nextAttemptAt" TIMESTAMPTZ(3);
ALTER TABLE "OutboxEntry" ADD COLUMN "failedAt" TIMESTAMPTZ(3);
ALTER TABLE "OutboxEntry" ADD COLUMN "failureReason" TEXT;

ALTER TABLE "InboxEntry" ADD COLUMN "nextDeliveryAt" TIMESTAMPTZ(3);
ALTER TABLE "InboxEntry" ADD COLUMN "deliveryPublications" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "Alert" ADD COLUMN "deliveredAt" TIMESTAMPTZ(3);
ALTER TABLE "Alert" ADD COLUMN "nextAttemptAt" TIMESTAMPTZ(3);
ALTER TABLE "Alert" ADD COLUMN "failedAt" TIMESTAMPTZ(3);
ALTER TABLE "Alert" ADD COLUMN "failureReason" TEXT;
-- Alerts sent before this migration are complete (their job finished): mark them so.
UPDATE "Alert" SET "deliveredAt" = COALESCE("webhookDeliveredAt", "emailSentAt", "publishedAt") WHERE "publishedAt" IS NOT NULL;

ALTER TABLE "DeadLetter" ADD COLUMN "data" JSONB;
ALTER TABLE "DeadLetter" ADD COLUMN "replayedAt" TIMESTAMPTZ(3);
ALTER TABLE "DeadLetter" ADD COLUMN "replays" INTEGER NOT NULL DEFAULT 0;

-- The reconciler's reads: published rows not yet taken up.
CREATE INDEX "OutboxEntry_unconsumed_idx" ON "OutboxEntry"("fromAgency", "publishedAt") WHERE "consumedAt" IS NULL AND "failedAt" IS NULL;
CREATE INDEX "InboxEntry_undelivered_idx" ON "InboxEntry"("agency", "receivedAt") WHERE "deliveryStatus" = 'pending';
CREATE INDEX "DeadLetter_agency_failedAt_idx" ON "DeadLetter"("agency", "failedAt");
