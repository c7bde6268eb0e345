-- Queue names became Redis Cluster hash tags ({inbox.education}); rows not yet consumed are
-- republished by the outbox relay to the queue named on the row, so rename them.
UPDATE "OutboxEntry" SET "queue" = '{' || "queue" || '}' WHERE "queue" NOT LIKE '{%}';
