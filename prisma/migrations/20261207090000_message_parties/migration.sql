-- 第二十一条, 第二十四条: a message on a handoff passes between that handoff's two parties, and only
-- they. The policy of 20261130110000_database_logins_rls let a unit's login write any message that
-- named it as sender or recipient, on any handoff: a unit not party to a handoff could put a message
-- naming itself as sender (signed with its own, valid key) on another pair's handoff, and the relay
-- would carry it to the party it named as recipient.
--
-- Now a unit's login may write a message only when
--   * it is the sender (a unit never writes another's message: it signs what it sends),
--   * the sender is a party of the handoff, and
--   * the recipient is the handoff's other party, or the sender itself for its own step events
--     (handoff.step-recorded, addressed to the sender and taken by the scheduler).
-- Reading is unchanged: the messages a unit sent or received. The Handoff subquery runs under the
-- caller's own row-level security on "Handoff", so a unit that is no party finds no handoff at all.
-- The receiving adapter checks the same thing again before it records a message (a message written
-- with row-level security bypassed, by the owner's login, is refused there).

CREATE OR REPLACE FUNCTION public.bus_may_send_on(handoff uuid, sender text, recipient text, message_type text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT sender = public.bus_login_agency()
       AND EXISTS (
         SELECT 1 FROM "Handoff" h
          WHERE h.id = handoff
            AND ((h."fromAgency" = sender AND h."toAgency" = recipient)
              OR (h."toAgency" = sender AND h."fromAgency" = recipient)
              OR (recipient = sender AND sender IN (h."fromAgency", h."toAgency") AND message_type = 'handoff.step-recorded')))
  $$;

GRANT EXECUTE ON FUNCTION public.bus_may_send_on(uuid, text, text, text) TO bus_units;

DROP POLICY unit_party ON "Message";
CREATE POLICY unit_party ON "Message" TO bus_units
  USING (public.bus_login_agency() IN ("fromAgency", "toAgency"))
  WITH CHECK (public.bus_may_send_on("handoffId", "fromAgency", "toAgency", type));
