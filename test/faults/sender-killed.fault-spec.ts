import { expectClean, SENDER } from './support/fault-bus.js';
import { faultScenario, waitFor } from './support/scenario.js';

// The sender's adapter killed (SIGKILL) while its relay is publishing a burst: rows committed but not
// yet published, or published but not stamped, are published (again) by the restarted relay; requests
// cut off mid-flight are retried with their Idempotency-Key and answered from the first attempt.

faultScenario('sender killed mid-relay', {}, async (bus) => {
  const load = bus().load();
  const burst = load.run();
  const outbox = () =>
    bus().query<{ unpublished: string; published: string }>(
      `SELECT count(*) FILTER (WHERE "publishedAt" IS NULL) AS unpublished, count(*) FILTER (WHERE "publishedAt" IS NOT NULL) AS published
       FROM "OutboxEntry" WHERE "fromAgency" = $1`,
      [SENDER],
    );
  await waitFor('a relay with published and unpublished rows', async () => {
    const [row] = await outbox();
    return Number(row.published) >= 10 && Number(row.unpublished) > 0;
  }, 120_000, 10);
  await bus().adapter(SENDER).kill();
  await bus().adapter(SENDER).start();
  bus().faultEnded();
  await burst;

  const outcome = await bus().settle(load);
  bus().record(outcome);
  expectClean(outcome);
});
