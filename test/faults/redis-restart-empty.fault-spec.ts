import { expectClean } from './support/fault-bus.js';
import { faultScenario, waitFor } from './support/scenario.js';

// Redis killed (SIGKILL) in the middle of a burst and restarted empty (it keeps nothing on disk):
// every queued job is gone — inbox jobs, webhook deliveries, step events. PostgreSQL knows what is
// pending; the relays and the reconcilers must publish it again.

faultScenario('Redis killed and restarted empty', {}, async (bus) => {
  const load = bus().load();
  const burst = load.run();
  await waitFor('inbox entries with webhook deliveries still pending', async () => {
    const [row] = await bus().query<{ taken: string; pending: string }>(
      `SELECT count(*) AS taken, count(*) FILTER (WHERE "deliveryStatus" = 'pending') AS pending FROM "InboxEntry" WHERE type = 'handoff.judicial-referral'`,
    );
    return Number(row.taken) >= 20 && Number(row.pending) > 0;
  }, 120_000, 10);
  await bus().redis.restartEmpty();
  bus().faultEnded();
  await burst;

  const outcome = await bus().settle(load);
  const stray = bus().nonJsonLines();
  if (stray.length > 0) outcome.notes.push(`${stray.length} log lines outside the JSON logger, e.g. ${stray[0]}`);
  bus().record(outcome);
  expectClean(outcome);
  expect(stray).toEqual([]);
});
