import { DEAD_LETTER_QUEUE, type Priority, type QueueKind, OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE } from '#contracts';

/** Retry policy of a queue: exponential backoff, then the dead-letter queue. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_INBOX_RETRY: RetryPolicy = { attempts: 8, backoffMs: 1_000 };
export const DEFAULT_DELIVERY_RETRY: RetryPolicy = { attempts: 10, backoffMs: 2_000 };
export const DEFAULT_ALERT_RETRY: RetryPolicy = { attempts: 8, backoffMs: 5_000 };

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
  if (queue === SCHEDULER_QUEUE) return 'scheduler';
  if (queue === OFFICE_ALERTS_QUEUE) return 'alerts';
  // A Redis Cluster hash tag may wrap the name: {inbox.education}.
  const bare = queue.replace(/^\{(.*)\}$/, '$1');
  if (bare.startsWith('inbox.')) return 'inbox';
  if (bare.startsWith('delivery.')) return 'delivery';
  throw new Error(`${queue} is not a queue jobs are published to${queue === DEAD_LETTER_QUEUE ? ' (the dead-letter queue is written by consumers only)' : ''}`);
}
