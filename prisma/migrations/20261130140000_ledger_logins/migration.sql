-- 第二十五条 台账 (issue 12): the measures a unit records, under the logins and row-level security of
-- 20261130110000_database_logins_rls. A unit reads and writes only its own measures, on handoffs it is
-- party to (the ledger shows it no other unit's measure); the scheduler and the console read every
-- unit's for the office (evaluation, the yearly report, the ledger pages).
GRANT SELECT, INSERT ON "AssistanceMeasure" TO bus_units;
GRANT SELECT ON "AssistanceMeasure" TO bus_scheduler, bus_console;
ALTER TABLE "AssistanceMeasure" ENABLE ROW LEVEL SECURITY;
CREATE POLICY unit_own ON "AssistanceMeasure" TO bus_units
  USING (agency = public.bus_login_agency() AND public.bus_is_party_to("handoffId"))
  WITH CHECK (agency = public.bus_login_agency() AND public.bus_is_party_to("handoffId"));
CREATE POLICY office_all ON "AssistanceMeasure" TO bus_scheduler, bus_console USING (true) WITH CHECK (true);

-- 第八条 (信息共享、计划共商): the units of one referral see each other's progress on it — who received
-- it, the steps reached and their dates — never each other's details. Row-level security hides another
-- unit's rows from a unit's login, so this function, run with its owner's rights (the tables' owner),
-- hands out exactly that much: the handoffs of the referral `handoff` belongs to, with their steps and
-- stated dates, and only when the login that called it (session_user) is a party to `handoff`. Any
-- other login (the scheduler, the console, the owner) sees every handoff already.
CREATE OR REPLACE FUNCTION public.bus_case_progress(handoff uuid)
RETURNS TABLE ("handoffId" uuid, "requestId" uuid, kind text, "fromAgency" text, "toAgency" text, "caseRef" text,
               "currentStep" text, "openedAt" timestamptz, "archivedAt" timestamptz,
               step text, "occurredAt" timestamptz, "recordedAt" timestamptz, "statedOn" text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH caller AS (
    SELECT CASE WHEN session_user LIKE 'bus\_unit\_%' THEN replace(substr(session_user, 10), '_', '-') END AS agency
  ), anchor AS (
    SELECT a."requestId" FROM "Handoff" a, caller
    WHERE a.id = handoff AND (caller.agency IS NULL OR caller.agency IN (a."fromAgency", a."toAgency"))
  )
  SELECT h.id, h."requestId", h.kind::text, h."fromAgency", h."toAgency", h."caseRef", h."currentStep"::text, h."openedAt", h."archivedAt",
         s.step::text, s."occurredAt", s."recordedAt",
         coalesce(s.details->>'startedOn', s.details->>'concludedOn', s.details->>'decidedOn', s.details->>'visitedOn')
  FROM "Handoff" h JOIN anchor ON h."requestId" = anchor."requestId"
  LEFT JOIN "HandoffStep" s ON s."handoffId" = h.id
  ORDER BY h."toAgency", h.id, s."occurredAt", s."recordedAt"
$$;
REVOKE ALL ON FUNCTION public.bus_case_progress(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.bus_case_progress(uuid) TO bus_units, bus_scheduler, bus_console;
