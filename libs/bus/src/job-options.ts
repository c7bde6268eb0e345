import type { JobsOptions } from 'bullmq';
import type { Priority } from '#contracts';

/** Retry policy of every bus queue: exponential backoff, then the dead-letter queue. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_INBOX_RETRY: RetryPolicy = { attempts: 8, backoffMs: 1_000 };
export const DEFAULT_DELIVERY_RETRY: RetryPolicy = { attempts: 10, backoffMs: 2_000 };

/** BullMQ: lower number = served first. Urgent medical notices jump the queue (第二十条 ¶2). */
const JOB_PRIORITY: Record<Priority, number> = { urgent: 1, 'green-channel': 2, normal: 3 };

/**
 * The job id is the message id, so a relay that publishes twice adds one job while the first
 * still exists. Completed jobs are kept a day for inspection; the lasting guard against doubles
 * is the receiver's inbox table, not this.
 */
export function messageJobOptions(messageId: string, priority: Priority, retry: RetryPolicy): JobsOptions {
  return {
    jobId: messageId,
    priority: JOB_PRIORITY[priority],
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 50_000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}
