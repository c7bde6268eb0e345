// Pure arithmetic of the queue gauges, apart from Redis so it can be tested alone.

/** BullMQ's job counts by state, as Queue.getJobCounts() returns them. */
export type JobCounts = Record<string, number>;

/** States of a job that is not finished yet: still to be done, or being done. */
const UNFINISHED_STATES = ['waiting', 'wait', 'prioritized', 'delayed', 'active', 'paused', 'waiting-children'];

/** Queue depth: jobs neither completed nor failed (waiting, prioritized, delayed, active, paused, waiting for children). */
export function queueDepth(counts: JobCounts): number {
  return UNFINISHED_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
}

/**
 * BullMQ keeps a job with a priority in a sorted set scored `priority · 2³² + counter`: within a
 * priority band the lowest score is the job added first, but across bands the first is the most
 * urgent, not the oldest. The oldest waiting job is therefore the first of *some* band.
 */
export const PRIORITY_BAND = 0x1_0000_0000;

/** The lowest score of the band after the one `score` belongs to. */
export function nextPriorityBand(score: number): number {
  return (Math.floor(score / PRIORITY_BAND) + 1) * PRIORITY_BAND;
}

/** Seconds since the oldest of these job creation times (ms); 0 when there is none. */
export function oldestAgeSeconds(timestampsMs: readonly (number | null)[], nowMs: number): number {
  const known = timestampsMs.filter((t): t is number => t !== null && Number.isFinite(t));
  if (known.length === 0) return 0;
  return Math.max(0, (nowMs - Math.min(...known)) / 1000);
}
