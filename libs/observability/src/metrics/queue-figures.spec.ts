import { nextPriorityBand, oldestAgeSeconds, PRIORITY_BAND, queueDepth } from './queue-figures.js';

describe('queue figures', () => {
  it('counts as depth every job not yet completed or failed', () => {
    expect(
      queueDepth({ waiting: 1, prioritized: 2, delayed: 3, active: 4, paused: 5, 'waiting-children': 6, completed: 100, failed: 7 }),
    ).toBe(21);
    expect(queueDepth({ completed: 3 })).toBe(0);
  });

  it('walks BullMQ priority bands: score = priority · 2³² + counter', () => {
    const urgent = 1 * PRIORITY_BAND + 41;
    const normal = 3 * PRIORITY_BAND + 7;
    expect(nextPriorityBand(urgent)).toBe(2 * PRIORITY_BAND);
    expect(nextPriorityBand(normal)).toBe(4 * PRIORITY_BAND);
    expect(nextPriorityBand(2 * PRIORITY_BAND)).toBe(3 * PRIORITY_BAND);
  });

  it('ages the oldest known job, 0 when none waits', () => {
    expect(oldestAgeSeconds([10_000, 4_000, null], 12_500)).toBe(8.5);
    expect(oldestAgeSeconds([], 12_500)).toBe(0);
    expect(oldestAgeSeconds([null, Number.NaN], 12_500)).toBe(0);
    expect(oldestAgeSeconds([13_000], 12_500)).toBe(0); // another machine's clock a little ahead
  });
});
