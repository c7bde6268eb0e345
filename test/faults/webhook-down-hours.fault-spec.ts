import { expectClean, WEBHOOK_UNIT } from './support/fault-bus.js';
import { faultScenario, waitFor } from './support/scenario.js';

// A unit's system down for hours (answers 503), told with the adapters' injected clock (CLOCK_FILE):
// six hours pass on the clock in about a minute of real time. Retries are bounded by time
// (DELIVERY_RETRY_WINDOW_SECONDS, 24 h by default) with a capped backoff, not by a count that an
// outage exhausts: nothing is given up, and everything arrives once the system is
// back. With the attempt count of before (10 attempts from 50 ms, ~50 s) every delivery is failed
// for good long before the system comes back.

const HOURS = 6;

faultScenario(
  'webhook down for hours',
  { adapterEnv: { DELIVERY_BACKOFF_MS: '50', RETRY_MAX_BACKOFF_MS: '2000' } },
  async (bus) => {
    bus().systems.behave({ mode: 'fail', status: 503 });
    const load = bus().load();
    await load.run();
    await waitFor('every webhook delivery tried at least once', () => {
      const attempts = bus().systems.of(WEBHOOK_UNIT).attempts;
      return load.accepted.filter((h) => h.to === WEBHOOK_UNIT).every((h) => (attempts.get(h.messageId) ?? 0) > 0);
    }, 120_000, 200);
    // Six hours on the adapters' clock, a step every 5 s of real time (72 s in all).
    const start = Date.now();
    const steps = 14;
    for (let step = 1; step <= steps; step++) {
      bus().adapterClock.set(new Date(start + (step * HOURS * 3_600_000) / steps));
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
    const failed = await bus().count(`SELECT count(*) AS n FROM "InboxEntry" WHERE agency = $1 AND "deliveryStatus" = 'failed'`, [WEBHOOK_UNIT]);
    bus().systems.behave({ mode: 'ok' });
    bus().faultEnded();

    const outcome = await bus().settle(load);
    outcome.notes.push(`${failed} deliveries marked failed while the system was down ${HOURS} h (clock)`);
    bus().record(outcome);
    expectClean(outcome);
    expect(failed).toBe(0);
  },
);
