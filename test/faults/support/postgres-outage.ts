import { judicialReferral } from '../../support/factories.js';
import { BURST, expectClean, RECIPIENTS, SENDER } from './fault-bus.js';
import { faultScenario, hold, waitFor } from './scenario.js';

/**
 * PostgreSQL killed (immediate shutdown) in the middle of a burst and started again after
 * `seconds`. While it is down the sender's API must refuse with 503 and Retry-After (the load
 * generator tries again later; a 503 is not accepted), and no job may spend its retries and vanish:
 * retries are bounded by time, and a dead letter is written once PostgreSQL is back. Everything accepted before or after arrives once.
 */
export function postgresOutageScenario(name: string, seconds: number): void {
  faultScenario(
    name,
    {},
    async (bus) => {
      const load = bus().load();
      const burst = load.run();
      await waitFor('a third of the burst accepted', () => load.progress >= Math.ceil(BURST / 3), 120_000, 10);
      await bus().postgres.kill();
      const downAt = Date.now();
      // The API while PostgreSQL is down: one probe, a few seconds into the outage.
      await hold(Math.min(3_000, (seconds * 1_000) / 2));
      const probe = await bus()
        .adapter(SENDER)
        .post('/handoffs/judicial-referrals', judicialReferral(RECIPIENTS, { priorityGroups: [] }), { 'idempotency-key': `probe-${name}` })
        .catch((error: Error) => ({ status: 0, headers: new Headers(), body: error.message }));
      await hold(Math.max(0, seconds * 1_000 - (Date.now() - downAt)));
      await bus().postgres.start();
      bus().faultEnded();
      await burst;

      const outcome = await bus().settle(load);
      const exited = bus().apps.filter((app) => !app.running).length;
      if (exited > 0) outcome.notes.push(`${exited} apps exited during the outage`);
      outcome.notes.push(`API while PostgreSQL was down: ${probe.status}${probe.headers.get('retry-after') ? ` Retry-After ${probe.headers.get('retry-after')}` : ' without Retry-After'}`);
      bus().record(outcome);
      expectClean(outcome);
      expect(exited).toBe(0);
      expect({ status: probe.status, retryAfter: probe.headers.get('retry-after') !== null }).toEqual({ status: 503, retryAfter: true });
    },
    seconds * 1_000 + 600_000,
  );
}
