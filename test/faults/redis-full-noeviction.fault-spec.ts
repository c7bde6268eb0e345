import { Redis } from 'ioredis';
import { expectClean } from './support/fault-bus.js';
import { faultScenario, hold, waitFor } from './support/scenario.js';

// Redis at its memory limit with noeviction refuses every write (OOM). The API must not pretend:
// whatever it accepted (2xx) while Redis refused is delivered once the limit is lifted, and nothing
// it accepted is dropped because a publish failed.

faultScenario('Redis at its memory limit (noeviction)', {}, async (bus) => {
  const admin = new Redis(bus().redis.url);
  try {
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1] ?? 0);
    // Room for a few jobs, then OOM for every write.
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', String(used + 256 * 1024));
    const load = bus().load();
    const burst = load.run();
    await waitFor('Redis refusing writes', async () => {
      const stats = await admin.info('stats');
      return Number(/rejected_calls:(\d+)/.exec(stats)?.[1] ?? 0) > 0 || Number(/total_error_replies:(\d+)/.exec(stats)?.[1] ?? 0) > 0;
    }, 120_000, 100);
    // The limit held for 20 s while the burst goes on.
    await hold(20_000);
    await admin.config('SET', 'maxmemory', '0');
    bus().faultEnded();
    await burst;

    const outcome = await bus().settle(load);
    const stray = bus().nonJsonLines();
    if (stray.length > 0) outcome.notes.push(`${stray.length} log lines outside the JSON logger, e.g. ${stray[0]}`);
    const refused = [...load.refusals.entries()].map(([status, n]) => `${n}×${status}`).join(', ');
    outcome.notes.push(`API while Redis refused writes: ${refused || 'accepted everything'}`);
    bus().record(outcome);
    expectClean(outcome);
    expect(stray).toEqual([]);
  } finally {
    admin.disconnect();
  }
});
