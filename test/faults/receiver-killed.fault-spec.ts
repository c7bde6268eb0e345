import { expectClean, PULL_UNIT, WEBHOOK_UNIT } from './support/fault-bus.js';
import { faultScenario, waitFor } from './support/scenario.js';

// Both receivers killed (SIGKILL) in the middle of a burst, while jobs are being taken and webhooks
// posted: the jobs they held are taken up again after their lock expires, what arrived meanwhile
// waits in the queues, and the inbox key absorbs every redelivery.

faultScenario('receiver killed mid-burst', {}, async (bus) => {
  const load = bus().load();
  const burst = load.run();
  await waitFor('receivers halfway through taking the burst', async () => (await bus().count(`SELECT count(*) AS n FROM "InboxEntry" WHERE type = 'handoff.judicial-referral'`)) >= 20, 120_000, 10);
  await Promise.all([bus().adapter(WEBHOOK_UNIT).kill(), bus().adapter(PULL_UNIT).kill()]);
  // More of the burst arrives while they are dead.
  const before = load.progress;
  await waitFor('more of the burst accepted while the receivers are dead', () => load.progress >= before + 10 || load.finished, 60_000);
  await Promise.all([bus().adapter(WEBHOOK_UNIT).start(), bus().adapter(PULL_UNIT).start()]);
  bus().faultEnded();
  await burst;

  const outcome = await bus().settle(load);
  bus().record(outcome);
  expectClean(outcome);
});
