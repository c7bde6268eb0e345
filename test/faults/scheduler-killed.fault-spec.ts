import { expectClean } from './support/fault-bus.js';
import { faultScenario, waitFor } from './support/scenario.js';

// The scheduler killed (SIGKILL) in the middle of a sweep: its clock is moved 60 days on, so every
// received referral's deadline (第二十一条, 5 working days) is overdue and the sweep escalates them,
// a few at a time (SWEEP_BATCH_SIZE=5). Killed once some alerts exist and others are still due, then
// started again: each obligation is escalated once per level — none missed, none doubled, none
// posted twice to the office.

faultScenario('scheduler killed mid-sweep', { schedulerEnv: { SWEEP_BATCH_SIZE: '5' } }, async (bus) => {
  const load = bus().load();
  await load.run();
  let killedWith = 0;
  const outcome = await bus().settle(load, {
    duringEscalations: async () => {
      await waitFor('a sweep halfway through', async () => {
        killedWith = await bus().count(`SELECT count(*) AS n FROM "Alert" WHERE "obligationId" IS NOT NULL`);
        return killedWith >= 10;
      }, 120_000, 10);
      await bus().scheduler.kill();
      await bus().scheduler.start();
      bus().faultEnded();
    },
  });
  const due = await bus().count(`SELECT count(*) AS n FROM "Obligation" WHERE status = 'open'`);
  outcome.notes.push(`killed with ${killedWith} escalation alerts written, ${due} obligations open`);
  // Recovery here: from the restart to the last alert the office received.
  bus().record(outcome);
  expectClean(outcome);
});
