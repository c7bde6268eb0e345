-- A key per unit (第二十四条): each unit's data keys are wrapped under that unit's own master key and
-- named by it; the public half of the X25519 key derived from each data key lets another unit seal a
-- content key to it. A row two parties read (a message, a step, a document) carries its content key
-- sealed to each of them ("keyWraps": {"<unit>": {"key": "<that unit's data key id>", "sealed": "..."}}).
-- Keys without a unit are the single master key's of before: they decrypt what was written under them
-- until each unit's rotation (npm run keys -- rotate-data-key --unit <code>) moves its rows to its own key.

ALTER TABLE "DataKey" ADD COLUMN "agency" TEXT;
ALTER TABLE "DataKey" ADD COLUMN "publicKey" TEXT;
CREATE INDEX "DataKey_agency_createdAt_idx" ON "DataKey"("agency", "createdAt");

ALTER TABLE "Message" ADD COLUMN "keyWraps" JSONB;
ALTER TABLE "HandoffStep" ADD COLUMN "keyWraps" JSONB;
ALTER TABLE "Attachment" ADD COLUMN "keyWraps" JSONB;

-- A unit's login: it reads every unit's key rows (to seal to their public keys; a wrapped key opens
-- only under its own unit's master key), and writes and retires only its own.
GRANT UPDATE ON "DataKey" TO bus_units;
ALTER TABLE "DataKey" ENABLE ROW LEVEL SECURITY;
CREATE POLICY unit_read ON "DataKey" FOR SELECT TO bus_units USING (true);
CREATE POLICY unit_own_insert ON "DataKey" FOR INSERT TO bus_units WITH CHECK (agency = public.bus_login_agency());
CREATE POLICY unit_own_update ON "DataKey" FOR UPDATE TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
-- The scheduler and the console hold no data key.
REVOKE SELECT ON "DataKey" FROM bus_scheduler, bus_console;
