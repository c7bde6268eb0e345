import type { Queue } from 'bullmq';
import { eventually } from './eventually.js';
import { metricValue, scrape } from './metrics.js';

/**
 * Conditions that prove nothing more will happen, for tests that assert "once, never again":
 * waiting on these instead of a fixed sleep.
 */

/** Resolves once the scheduler at `baseUrl` has completed `passes` more sweep passes than now. */
export async function afterSweeps(baseUrl: string, passes = 2, timeoutMs = 20_000): Promise<void> {
  const start = metricValue((await scrape(baseUrl)).samples, 'bus_sweep_passes_total');
  await eventually(async () => expect(metricValue((await scrape(baseUrl)).samples, 'bus_sweep_passes_total')).toBeGreaterThanOrEqual(start + passes), timeoutMs);
}

/** Resolves once `queue` holds no job that could still run (waiting, prioritized, delayed, active). */
export async function untilIdle(queue: Queue, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => {
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'waiting-children');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  }, timeoutMs);
}
