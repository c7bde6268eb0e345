-- A stated date (investigationEndedOn, discoveredOn, decidedOn, concludedOn) starts a duty's clock at
-- its first instant, 00:00 Beijing time, no longer at noon: whatever a unit did on that day (feedback
-- given the morning it concluded) is never earlier than the start. Deadlines do not move (the start's
-- own day is never counted); the first reminder of a duty still waiting for it, half (a quarter on the
-- green channel) of the allowed time after the start, moves with the start.
WITH moved AS (
  SELECT id, (date_trunc('day', "startAt" AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai') AS start_of_day
  FROM "Obligation"
  WHERE rule IN ('referral-after-investigation', 'lead-after-discovery', 'paperwork-after-advance-payment', 'feedback-after-conclusion', 'follow-up-visit-1', 'follow-up-visit-2')
    AND ("startAt" AT TIME ZONE 'Asia/Shanghai')::time = '12:00:00'
)
UPDATE "Obligation" o
SET "startAt" = moved.start_of_day,
    "nextActionAt" = CASE
      WHEN o.status = 'open' AND o."nextLevel" = 'reminder-1'
        THEN moved.start_of_day + (o."dueAt" - moved.start_of_day) * (CASE WHEN o."greenChannel" THEN 0.25 ELSE 0.5 END)
      ELSE o."nextActionAt"
    END
FROM moved
WHERE o.id = moved.id;
