import { FaultBus, type FaultBusOptions, recordFailure, recordVerdict } from './fault-bus.js';

/** Resolves once `condition` holds (checked every `intervalMs`); rejects naming `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 60_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // e.g. PostgreSQL down under the check: not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A duration the scenario itself is about (an outage of 10 s), not a wait for something to happen. */
export function hold(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * One fault scenario: its own bus (started before, stopped after, also when the test fails), and a
 * row for the suite's table even when the scenario fails before it could count anything.
 */
export function faultScenario(name: string, options: FaultBusOptions, body: (bus: () => FaultBus) => Promise<void>, timeoutMs = 600_000): void {
  describe(`fault: ${name}`, () => {
    let bus: FaultBus | undefined;
    let recorded = false;

    beforeAll(async () => {
      try {
        bus = await FaultBus.start(name, options);
      } catch (error) {
        recordFailure(name, error);
        recordVerdict(name, error);
        recorded = true;
        throw error;
      }
    }, 300_000);

    afterAll(async () => {
      // A scenario cut off by its timeout still gets its row.
      if (!recorded && !bus?.recorded) {
        recordFailure(name, 'did not finish within its time');
        recordVerdict(name, 'did not finish within its time');
      }
      await bus?.stop();
    }, 120_000);

    it(name, async () => {
      if (!bus) throw new Error('the bus did not start');
      const started = bus;
      try {
        await body(() => started);
        recordVerdict(name);
      } catch (error) {
        if (!recorded && !started.recorded) recordFailure(name, error);
        recordVerdict(name, error);
        throw error;
      }
    }, timeoutMs);
  });
}
