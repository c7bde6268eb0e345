-- 第二十四条: each party of a handoff holds its own copy of it at rest — the sender its full record,
-- the recipient its projection (libs/agencies recipient-projections.ts, what its opening message
-- carried) — in "HandoffCopy", one row per party, which row-level security shows to its own unit's
-- login only. "Handoff".details keeps the record's plain fields alone (dates, categories, groups:
-- what the scheduler and the office count); no unit's login may read that column: a recipient reads
-- its projection from its own copy, never the sender's record.

CREATE TABLE "HandoffCopy" (
    "handoffId" UUID NOT NULL,
    "agency" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "dataKeyId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "HandoffCopy_pkey" PRIMARY KEY ("handoffId", "agency")
);
CREATE INDEX "HandoffCopy_dataKeyId_idx" ON "HandoffCopy"("dataKeyId");
ALTER TABLE "HandoffCopy" ADD CONSTRAINT "HandoffCopy_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A document the other party may read: the recipient only the material types of its projection (set
-- by the uploader's adapter, which knows the projection); the sender every document.
ALTER TABLE "Attachment" ADD COLUMN "sharedWithParty" BOOLEAN NOT NULL DEFAULT true;

-- The copies of the handoffs already there: the sender's is its record as stored; the recipient's is
-- the payload of the opening message it received (already its projection, cut by the sender).
INSERT INTO "HandoffCopy" ("handoffId", "agency", "details", "dataKeyId", "createdAt")
  SELECT h.id, h."fromAgency", h.details, h."dataKeyId", h."openedAt" FROM "Handoff" h;
INSERT INTO "HandoffCopy" ("handoffId", "agency", "details", "dataKeyId", "createdAt")
  SELECT DISTINCT ON (m."handoffId") m."handoffId", m."toAgency", m.payload, m."dataKeyId", m."createdAt"
    FROM "Message" m JOIN "Handoff" h ON h.id = m."handoffId" AND h."fromAgency" = m."fromAgency" AND h."toAgency" = m."toAgency"
   WHERE m.type IN ('judicial-referral', 'advance-referral', 'social-lead', 'urgent-medical-notice')
   ORDER BY m."handoffId", m."createdAt";

-- The plain part of a record: every ciphertext ('enc…' strings of libs/security field-cipher) removed.
CREATE FUNCTION pg_temp.plain_part(value jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE jsonb_typeof(value)
    WHEN 'object' THEN coalesce((SELECT jsonb_object_agg(k, pg_temp.plain_part(v)) FROM jsonb_each(value) AS e(k, v)
                                  WHERE NOT (jsonb_typeof(v) = 'string' AND v #>> '{}' ~ '^enc[0-9a-z]*\.')), '{}'::jsonb)
    WHEN 'array' THEN coalesce((SELECT jsonb_agg(pg_temp.plain_part(v) ORDER BY i) FROM jsonb_array_elements(value) WITH ORDINALITY AS e(v, i)
                                 WHERE NOT (jsonb_typeof(v) = 'string' AND v #>> '{}' ~ '^enc[0-9a-z]*\.')), '[]'::jsonb)
    ELSE value END
$$;
UPDATE "Handoff" SET details = pg_temp.plain_part(details), "dataKeyId" = NULL;

-- Grants: a unit's login reads every column of "Handoff" but details (column privileges: row-level
-- security cannot hide a column from one party of a row and show it to the other).
REVOKE SELECT ON "Handoff" FROM bus_units;
DO $$
DECLARE
  columns text;
BEGIN
  SELECT string_agg(format('%I', column_name), ', ' ORDER BY ordinal_position) INTO columns
    FROM information_schema.columns
   WHERE table_schema = 'public' AND table_name = 'Handoff' AND column_name <> 'details';
  EXECUTE format('GRANT SELECT (%s) ON "Handoff" TO bus_units', columns);
END $$;

-- The scheduler and the console hold no data key and read no copy: no grant.
GRANT SELECT, INSERT, UPDATE ON "HandoffCopy" TO bus_units;
ALTER TABLE "HandoffCopy" ENABLE ROW LEVEL SECURITY;
-- A unit's login: its own copies only, of handoffs it is party to.
CREATE POLICY unit_own ON "HandoffCopy" TO bus_units
  USING (agency = public.bus_login_agency())
  WITH CHECK (agency = public.bus_login_agency() AND public.bus_is_party_to("handoffId"));

-- A document: its uploader reads it; the other party only when the uploader shared it (第二十四条).
DROP POLICY unit_party ON "Attachment";
CREATE POLICY unit_party ON "Attachment" TO bus_units
  USING (public.bus_is_party_to("handoffId") AND ("uploadedBy" = public.bus_login_agency() OR "sharedWithParty"))
  WITH CHECK (public.bus_is_party_to("handoffId") AND "uploadedBy" = public.bus_login_agency());
