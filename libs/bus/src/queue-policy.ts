import { DEAD_LETTER_QUEUE, type Priority, type QueueKind, queueRoleOf } from '#contracts';

/**
 * Retry policy of a queue: retries are bounded by time, not by a count that a
 * short outage exhausts. A job is retried with exponential backoff capped at `maxBackoffMs` until
 * its next attempt would start more than `windowMs` after its first; that attempt is its last,
 * and its failure is recorded and dead-lettered.
 */
export interface RetryPolicy {
  windowMs: number;
  backoffMs: number;
  maxBackoffMs: number;
}

const DAY_MS = 24 * 3600 * 1000;
const FIVE_MINUTES_MS = 5 * 60 * 1000;
export const DEFAULT_INBOX_RETRY: RetryPolicy = { windowMs: DAY_MS, backoffMs: 1_000, maxBackoffMs: FIVE_MINUTES_MS };
export const DEFAULT_DELIVERY_RETRY: RetryPolicy = { windowMs: DAY_MS, backoffMs: 2_000, maxBackoffMs: FIVE_MINUTES_MS };
export const DEFAULT_ALERT_RETRY: RetryPolicy = { windowMs: DAY_MS, backoffMs: 5_000, maxBackoffMs: FIVE_MINUTES_MS };

/** BullMQ's attempt limit, set out of reach: the window decides the last attempt (isLastAttempt). */
export const UNBOUNDED_ATTEMPTS = 1_000_000;

/** The wait before the attempt after `failedAttempts` failures: exponential, capped. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  // 2 ** 60 and up is Infinity-adjacent; the cap is reached long before.
  return Math.min(policy.backoffMs * 2 ** Math.min(exponent, 40), policy.maxBackoffMs);
}

/**
 * Whether the attempt now running (the `attempt`-th) is the last: true when the attempt after it
 * would start past the window that opened with the job's first attempt.
 */
export function isLastAttempt(policy: RetryPolicy, attempt: number, firstAttemptAtMs: number, nowMs: number): boolean {
  return nowMs + retryDelayMs(policy, attempt) - firstAttemptAtMs > policy.windowMs;
}

export type RetryPolicies = Record<QueueKind, RetryPolicy>;

/** How long finished jobs stay for inspection, per queue kind (the lasting record is in PostgreSQL). */
export interface Retention {
  completedAgeSeconds: number;
  completedCount: number;
  failedAgeSeconds: number;
}

export const RETENTION: Record<QueueKind, Retention> = {
  inbox: { completedAgeSeconds: 24 * 3600, completedCount: 50_000, failedAgeSeconds: 30 * 24 * 3600 },
  delivery: { completedAgeSeconds: 24 * 3600, completedCount: 50_000, failedAgeSeconds: 30 * 24 * 3600 },
  scheduler: { completedAgeSeconds: 24 * 3600, completedCount: 50_000, failedAgeSeconds: 30 * 24 * 3600 },
  // Bounded: a backlog after an outage must not leave 100k finished alert jobs in Redis for a week.
  alerts: { completedAgeSeconds: 7 * 24 * 3600, completedCount: 5_000, failedAgeSeconds: 30 * 24 * 3600 },
};

/** BullMQ: lower number = served first. Urgent medical notices jump the queue (第二十条 ¶2). */
export const JOB_PRIORITY: Record<Priority, number> = { urgent: 1, 'green-channel': 2, normal: 3 };

/** The kind of a queue, from its frozen name (libs/contracts/src/queue-names.ts). */
export function queueKindOf(queue: string): QueueKind {
  const role = queueRoleOf(queue);
  if (role === 'scheduler' || role === 'alerts' || role === 'inbox' || role === 'delivery') return role;
  throw new Error(`${queue} is not a queue jobs are published to${queue === DEAD_LETTER_QUEUE ? ' (the dead-letter queue is written by consumers only)' : ''}`);
}
