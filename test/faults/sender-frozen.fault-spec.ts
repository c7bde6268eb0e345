import { SCHEDULER_QUEUE } from '#contracts';
import { expectClean, SENDER } from './support/fault-bus.js';
import { faultScenario, hold, waitFor } from './support/scenario.js';

// The sender frozen (SIGSTOP) for 45 s in the middle of its relay, then thawed (SIGCONT). A frozen
// relay may hold back only its own claimed batch until its lease runs out: it holds no lock that
// the receivers need, so the other units' consumers take everything already published while it is
// frozen (no receiver's confirmation waits on the relay's FOR UPDATE).

const FROZEN_MS = 45_000;

faultScenario('sender frozen 45 s', {}, async (bus) => {
  const load = bus().load();
  const burst = load.run();
  await waitFor('a relay with published and unpublished rows', async () => {
    const [row] = await bus().query<{ unpublished: string; published: string }>(
      `SELECT count(*) FILTER (WHERE "publishedAt" IS NULL) AS unpublished, count(*) FILTER (WHERE "publishedAt" IS NOT NULL) AS published
       FROM "OutboxEntry" WHERE "fromAgency" = $1`,
      [SENDER],
    );
    return Number(row.published) >= 10 && Number(row.unpublished) > 0;
  }, 120_000, 10);
  bus().adapter(SENDER).send('SIGSTOP');
  const frozenAt = Date.now();
  // What was published before the freeze must be taken by the receivers while the sender is frozen.
  const published = (
    // Messages to the units (not the step events to the scheduler, which has no inbox table).
    await bus().query<{ messageId: string }>(`SELECT "messageId" FROM "OutboxEntry" WHERE "fromAgency" = $1 AND "publishedAt" IS NOT NULL AND queue <> $2`, [SENDER, SCHEDULER_QUEUE])
  ).map((row) => row.messageId);
  // Who waits on whom, 5 s into the freeze: sessions blocked by a lock, and what their blocker runs.
  const locks = hold(5_000).then(() =>
    bus()
      .query<{ waiting: string; state: string | null; query: string | null }>(
        `SELECT count(DISTINCT w.pid) AS waiting, min(b.state) AS state, min(left(b.query, 140)) AS query
         FROM pg_stat_activity w CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid) JOIN pg_stat_activity b ON b.pid = blocker.pid`,
      )
      .then(([row]) => row)
      .catch(() => undefined),
  );
  let takenAfter: number | null = null;
  try {
    await waitFor('the receivers to take what was published before the freeze', async () => {
      const taken = await bus().count(`SELECT count(*) AS n FROM "InboxEntry" WHERE "messageId" = ANY($1::uuid[])`, [published]);
      return taken === published.length;
    }, FROZEN_MS - 5_000, 200);
    takenAfter = Math.round((Date.now() - frozenAt) / 100) / 10;
  } catch {
    takenAfter = null;
  }
  await hold(Math.max(0, FROZEN_MS - (Date.now() - frozenAt)));
  bus().adapter(SENDER).send('SIGCONT');
  bus().faultEnded();
  await burst;

  const outcome = await bus().settle(load);
  outcome.notes.push(
    takenAfter === null
      ? `receivers did not take the ${published.length} messages published before the freeze while the sender was frozen`
      : `receivers took the ${published.length} messages published before the freeze ${takenAfter} s into it`,
  );
  const blocked = await locks;
  if (blocked && Number(blocked.waiting) > 0) outcome.notes.push(`5 s into the freeze ${blocked.waiting} sessions waited on a lock held by a session ${blocked.state ?? '?'}: ${blocked.query ?? '?'}`);
  bus().record(outcome);
  expectClean(outcome);
  expect(takenAfter).not.toBeNull();
});
