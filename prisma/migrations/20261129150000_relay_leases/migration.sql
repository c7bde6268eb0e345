-- Relays claim rows with a lease instead of holding FOR UPDATE across their call to the queues.
ALTER TABLE "OutboxEntry" ADD COLUMN "claimedUntil" TIMESTAMPTZ(3);
ALTER TABLE "Alert" ADD COLUMN "claimedUntil" TIMESTAMPTZ(3);
ALTER TABLE "Alert" ADD COLUMN "claims" INTEGER NOT NULL DEFAULT 0;

-- Alert keys are also BullMQ job ids, which must not contain ':' (a rule BullMQ's source marks
-- for enforcement): <handoff>.<rule>.<level>, calendar.<year>.missing, roster.<agency>.<time>.
UPDATE "Alert" SET "dedupeKey" = replace("dedupeKey", ':', '.') WHERE "dedupeKey" LIKE '%:%';
