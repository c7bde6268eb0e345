-- Issue 9 point 3, 第二十四条 (citizens' information is confidential): one database login per unit,
-- and row-level security so that a unit's login sees only the rows of handoffs it is party to.
-- The scopes of libs/persistence already filter by unit; these policies are the backstop: a query
-- that forgets the unit returns nothing of another unit's instead of everything.
--
-- Logins (no passwords here: operators set them, README "Database logins"):
--   bus_unit_<code, '-' as '_'>   one per member unit, e.g. bus_unit_civil_affairs; member of bus_units
--   bus_scheduler                 the scheduler: every unit's obligations and alerts (第二十二条 the office's duties)
--   bus_console                   the console: the office sees every unit (unit users are filtered by the app)
-- Group roles (NOLOGIN):
--   bus_units                     the grants every unit login shares; policies are written for it
--   bus_queues                    owns BullMQ's schema `bullmq` (QUEUE_BACKEND=postgres): the apps' queue
--                                 pools `SET ROLE bus_queues`, so the queue tables never belong to one unit;
--                                 no row-level security there: jobs carry ids only (ARCHITECTURE §6)
-- Migrations keep running as the owner of the tables (owners and superusers bypass row-level security;
-- the apps must never use that login).
--
-- Roles are cluster-wide and test databases are copied from a migrated template: every CREATE ROLE is
-- guarded, every GRANT and policy is per database.

DO $$
DECLARE
  unit text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bus_units') THEN
    CREATE ROLE bus_units NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bus_queues') THEN
    CREATE ROLE bus_queues NOLOGIN;
  END IF;
  -- The 13 units of libs/agencies (第九条–第十八条); test/rls checks this list against AGENCY_CODES.
  FOREACH unit IN ARRAY ARRAY['procuratorate', 'education', 'civil_affairs', 'justice', 'hrss', 'agriculture',
      'medical_security', 'health', 'veterans', 'youth_league', 'womens_federation', 'next_generation', 'disabled_federation'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bus_unit_' || unit) THEN
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', 'bus_unit_' || unit);
    END IF;
    EXECUTE format('GRANT bus_units TO %I', 'bus_unit_' || unit);
    EXECUTE format('GRANT bus_queues TO %I', 'bus_unit_' || unit);
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bus_scheduler') THEN
    CREATE ROLE bus_scheduler LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bus_console') THEN
    CREATE ROLE bus_console LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  GRANT bus_queues TO bus_scheduler, bus_console;
  -- The owner (who runs migrations, ops and the key scripts) may use the queues too.
  EXECUTE format('GRANT bus_queues TO %I', current_user);
END
$$;

-- Logins may connect (PUBLIC may too by default; a hardened server that revoked it needs these).
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO bus_units, bus_scheduler, bus_console', current_database());
END
$$;
-- BullMQ's schema belongs to bus_queues; scripts/migrate.mjs builds its tables after the migrations
-- (as the owner, then hands them to bus_queues), so no app login needs to create anything.
CREATE SCHEMA IF NOT EXISTS bullmq AUTHORIZATION bus_queues;
ALTER SCHEMA bullmq OWNER TO bus_queues;

-- The unit whose login runs the query: bus_unit_civil_affairs → 'civil-affairs'; NULL for any other
-- login, so a unit policy matches nothing for it. Not SECURITY DEFINER: current_user is the caller.
CREATE OR REPLACE FUNCTION public.bus_login_agency() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN current_user LIKE 'bus\_unit\_%' THEN replace(substr(current_user, 10), '_', '-') END $$;

-- Is the caller's unit the sender or the recipient of the handoff? Evaluated under the caller's own
-- row-level security on "Handoff", so it can only ever narrow.
CREATE OR REPLACE FUNCTION public.bus_is_party_to(handoff uuid) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT EXISTS (SELECT 1 FROM "Handoff" h WHERE h.id = handoff AND public.bus_login_agency() IN (h."fromAgency", h."toAgency")) $$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO bus_units, bus_scheduler, bus_console;
GRANT EXECUTE ON FUNCTION public.bus_login_agency(), public.bus_is_party_to(uuid) TO bus_units, bus_scheduler, bus_console;

-- Least privileges of a unit's adapter: what its scope's repositories do (libs/persistence agency-scope.ts).
GRANT SELECT, INSERT, UPDATE ON "Handoff", "HandoffStep", "Message", "OutboxEntry", "InboxEntry", "DeadLetter",
  "DutyRegistration", "RosterEntry" TO bus_units;
GRANT SELECT, INSERT, UPDATE, DELETE ON "IdempotencyRecord" TO bus_units;
GRANT SELECT, INSERT ON "Attachment", "AuditRecord", "AuditCheckpoint", "Alert", "DataKey" TO bus_units;
GRANT SELECT ON "Obligation", "ApiKey", "CalendarYear" TO bus_units;
-- Not granted to units: ConsoleUser, ConsoleSession, AlertNote, _prisma_migrations.

-- The scheduler keeps every unit's clocks and alerts; it reads handoffs and the message state for the
-- office's views and archives closed handoffs (第二十四条 归档). No console accounts.
GRANT SELECT, INSERT, UPDATE, DELETE ON "Obligation", "Alert", "AlertNote", "CalendarYear", "RosterEntry",
  "DutyRegistration", "DeadLetter", "Handoff", "OutboxEntry", "InboxEntry" TO bus_scheduler;
GRANT SELECT ON "HandoffStep", "Message", "Attachment", "AuditRecord", "AuditCheckpoint", "ApiKey", "DataKey",
  "IdempotencyRecord" TO bus_scheduler;

-- The console: the office's and operators' pages over every unit, and its own accounts.
GRANT SELECT, INSERT, UPDATE, DELETE ON "Obligation", "Alert", "AlertNote", "CalendarYear", "RosterEntry",
  "DutyRegistration", "DeadLetter", "Handoff", "OutboxEntry", "InboxEntry", "ConsoleUser", "ConsoleSession" TO bus_console;
GRANT SELECT ON "HandoffStep", "Message", "Attachment", "AuditRecord", "AuditCheckpoint", "ApiKey", "DataKey",
  "IdempotencyRecord" TO bus_console;

-- Row-level security on every table holding a handoff, a citizen's data or a unit's own state.
-- (Not on DataKey, CalendarYear, ConsoleUser, ConsoleSession, AlertNote: no unit's rows, and units
-- have no grant on the console's tables.)
ALTER TABLE "Handoff" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "HandoffStep" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Message" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Attachment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "OutboxEntry" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "InboxEntry" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DeadLetter" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "IdempotencyRecord" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Obligation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Alert" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DutyRegistration" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditRecord" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditCheckpoint" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "RosterEntry" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ApiKey" ENABLE ROW LEVEL SECURITY;

-- A unit: the handoffs it sends or receives, their timeline, messages and documents (第二十四条).
CREATE POLICY unit_party ON "Handoff" TO bus_units
  USING (public.bus_login_agency() IN ("fromAgency", "toAgency"))
  WITH CHECK (public.bus_login_agency() IN ("fromAgency", "toAgency"));
CREATE POLICY unit_party ON "HandoffStep" TO bus_units
  USING (public.bus_is_party_to("handoffId")) WITH CHECK (public.bus_is_party_to("handoffId"));
CREATE POLICY unit_party ON "Message" TO bus_units
  USING (public.bus_login_agency() IN ("fromAgency", "toAgency"))
  WITH CHECK (public.bus_login_agency() IN ("fromAgency", "toAgency"));
CREATE POLICY unit_party ON "Attachment" TO bus_units
  USING (public.bus_is_party_to("handoffId")) WITH CHECK (public.bus_is_party_to("handoffId"));
-- Its own outbox rows, and the ones of messages addressed to it: the recipient stamps consumedAt
-- when a message enters its inbox (message state, ARCHITECTURE §15).
CREATE POLICY unit_own_or_addressed ON "OutboxEntry" TO bus_units
  USING ("fromAgency" = public.bus_login_agency()
         OR EXISTS (SELECT 1 FROM "Message" m WHERE m.id = "messageId" AND m."toAgency" = public.bus_login_agency()))
  WITH CHECK ("fromAgency" = public.bus_login_agency()
         OR EXISTS (SELECT 1 FROM "Message" m WHERE m.id = "messageId" AND m."toAgency" = public.bus_login_agency()));
-- Rows the unit owns, by their agency column.
CREATE POLICY unit_own ON "InboxEntry" TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
CREATE POLICY unit_own ON "DeadLetter" TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
CREATE POLICY unit_own ON "IdempotencyRecord" TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
CREATE POLICY unit_own ON "DutyRegistration" TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
CREATE POLICY unit_own ON "RosterEntry" TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
CREATE POLICY unit_own ON "ApiKey" TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
-- The notices a unit raises to the office (roster changed, message refused, reconciler repaired).
CREATE POLICY unit_own ON "Alert" TO bus_units
  USING (agency = public.bus_login_agency()) WITH CHECK (agency = public.bus_login_agency());
-- Its own chain of the evidence log (issue 9 part 5).
CREATE POLICY unit_own ON "AuditRecord" TO bus_units
  USING (chain = public.bus_login_agency()) WITH CHECK (chain = public.bus_login_agency());
CREATE POLICY unit_own ON "AuditCheckpoint" TO bus_units
  USING (chain = public.bus_login_agency()) WITH CHECK (chain = public.bus_login_agency());
-- The deadlines it owes, and those on its handoffs (read only: the scheduler keeps them).
CREATE POLICY unit_owed_or_party ON "Obligation" TO bus_units
  USING ("responsibleAgency" = public.bus_login_agency() OR public.bus_is_party_to("handoffId"));

-- The office's side (第二十二条): the scheduler and the console see every unit; their grants above
-- limit which tables and what they may do.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['Handoff', 'HandoffStep', 'Message', 'Attachment', 'OutboxEntry', 'InboxEntry', 'DeadLetter',
      'IdempotencyRecord', 'Obligation', 'Alert', 'DutyRegistration', 'AuditRecord', 'AuditCheckpoint', 'RosterEntry', 'ApiKey'] LOOP
    EXECUTE format('CREATE POLICY office_all ON %I TO bus_scheduler, bus_console USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;
