-- CreateTable
CREATE TABLE "Notice" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "meetingOn" TEXT,
    "issuedBy" TEXT NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NoticeCopy" (
    "noticeId" UUID NOT NULL,
    "agency" TEXT NOT NULL,
    "alertId" UUID NOT NULL,
    "readAt" TIMESTAMPTZ(3),
    "readBy" TEXT,

    CONSTRAINT "NoticeCopy_pkey" PRIMARY KEY ("noticeId","agency")
);

-- CreateTable
CREATE TABLE "MeetingRequest" (
    "id" UUID NOT NULL,
    "agency" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "handoffIds" UUID[],
    "requestedBy" TEXT NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL,
    "alertId" UUID NOT NULL,
    "meetingId" UUID,

    CONSTRAINT "MeetingRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Meeting" (
    "id" UUID NOT NULL,
    "year" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "heldOn" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "minutes" TEXT NOT NULL,
    "decisions" TEXT[],
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Meeting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Notice_issuedAt_idx" ON "Notice"("issuedAt");

-- CreateIndex
CREATE INDEX "NoticeCopy_agency_readAt_idx" ON "NoticeCopy"("agency", "readAt");

-- CreateIndex
CREATE INDEX "MeetingRequest_agency_requestedAt_idx" ON "MeetingRequest"("agency", "requestedAt");

-- CreateIndex
CREATE INDEX "MeetingRequest_requestedAt_idx" ON "MeetingRequest"("requestedAt");

-- CreateIndex
CREATE INDEX "Meeting_year_heldOn_idx" ON "Meeting"("year", "heldOn");

-- AddForeignKey
ALTER TABLE "NoticeCopy" ADD CONSTRAINT "NoticeCopy_noticeId_fkey" FOREIGN KEY ("noticeId") REFERENCES "Notice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- 第二十二条 (issue 12 part 5): notices, meeting requests and meetings, under the logins and row-level
-- security of 20261130110000_database_logins_rls.
-- A unit reads the notices it was sent and marks its own copy read; it files and reads its own meeting
-- requests, marking only handoffs it is party to. Meetings (minutes, decisions) are the office's record:
-- no unit login has a grant on them. The scheduler (the office's API) and the console write all four.
GRANT SELECT ON "Notice" TO bus_units;
GRANT SELECT ON "NoticeCopy" TO bus_units;
GRANT UPDATE ("readAt", "readBy") ON "NoticeCopy" TO bus_units;
GRANT SELECT, INSERT ON "MeetingRequest" TO bus_units;
GRANT SELECT, INSERT, UPDATE ON "Notice", "NoticeCopy", "MeetingRequest", "Meeting" TO bus_scheduler, bus_console;

ALTER TABLE "Notice" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "NoticeCopy" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "MeetingRequest" ENABLE ROW LEVEL SECURITY;
CREATE POLICY unit_sent ON "Notice" TO bus_units
  USING (EXISTS (SELECT 1 FROM "NoticeCopy" c WHERE c."noticeId" = id AND c.agency = public.bus_login_agency()));
CREATE POLICY unit_own ON "NoticeCopy" TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
CREATE POLICY unit_own ON "MeetingRequest" TO bus_units
  USING (agency = public.bus_login_agency())
  WITH CHECK (agency = public.bus_login_agency()
              AND NOT EXISTS (SELECT 1 FROM unnest("handoffIds") AS marked(id) WHERE NOT public.bus_is_party_to(marked.id)));
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['Notice', 'NoticeCopy', 'MeetingRequest'] LOOP
    EXECUTE format('CREATE POLICY office_all ON %I TO bus_scheduler, bus_console USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;
