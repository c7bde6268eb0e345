import type { DeadLetterRecord, QueueKind } from '#contracts';
import { PermanentMessageError } from './consumer-outcome.js';
import {
  type JobPresence,
  type ListedJob,
  assertHandlers,
  assertJobId,
  deadLetterRecord,
  type ConsumeOptions,
  type HandlerMap,
  type JobHandler,
  type OutgoingJob,
  type QueueCounts,
  type QueueDriver,
} from './queue-driver.js';
import { isLastAttempt, JOB_PRIORITY, queueKindOf, retryDelayMs, type RetryPolicies } from './queue-policy.js';

interface Pending {
  job: OutgoingJob;
  attemptsMade: number;
  /** simulated time spent in backoff so far: the retry window is counted in it, not waited for */
  backedOffMs: number;
}

interface Consumer {
  handlers: Record<string, JobHandler<never>>;
  options: ConsumeOptions;
}

/**
 * The QueueDriver in one process, for medium tests: jobs wait in memory until `runUntilIdle()`
 * runs them, in priority order, with the same outcomes as on BullMQ (retry, dead letter) but
 * without waiting out backoff delays: each retry adds its delay to the job's simulated time, and
 * the retry window is counted in that — deterministic, and no Redis needed.
 */
export class InProcessQueueDriver implements QueueDriver {
  private readonly waiting = new Map<string, Pending[]>();
  private readonly seen = new Map<string, Set<string>>();
  private readonly consumers = new Map<string, Consumer>();
  private readonly finished = new Map<string, { completed: number; failed: number }>();
  /** finished jobs by queue and id, with how they ended (BullMQ keeps them for their retention) */
  private readonly done = new Map<string, Map<string, { job: OutgoingJob; state: 'completed' | 'failed'; addedAt: Date }>>();
  private readonly addedAt = new Map<OutgoingJob, Date>();
  readonly deadLetters: DeadLetterRecord[] = [];

  constructor(private readonly retry: RetryPolicies) {}

  async publish(job: OutgoingJob): Promise<void> {
    assertJobId(job.id);
    const ids = this.seen.get(job.queue) ?? new Set<string>();
    this.seen.set(job.queue, ids);
    if (ids.has(job.id)) return; // like BullMQ: a job id is added once
    ids.add(job.id);
    this.addedAt.set(job, new Date());
    const queue = this.waiting.get(job.queue) ?? [];
    queue.push({ job, attemptsMade: 0, backedOffMs: 0 });
    queue.sort((a, b) => JOB_PRIORITY[a.job.priority] - JOB_PRIORITY[b.job.priority]);
    this.waiting.set(job.queue, queue);
  }

  async publishBulk(jobs: readonly OutgoingJob[]): Promise<void> {
    for (const job of jobs) await this.publish(job);
  }

  async consume<K extends QueueKind>(queue: string, kind: K, handlers: HandlerMap<K>, options: ConsumeOptions): Promise<void> {
    assertHandlers(queue, kind, handlers);
    this.consumers.set(queue, { handlers: handlers, options });
  }

  /** Jobs waiting in `queue` (consumed or not), oldest first within a priority. */
  jobs(queue: string): readonly OutgoingJob[] {
    return (this.waiting.get(queue) ?? []).map((pending) => pending.job);
  }

  /** Runs every job of every consumed queue, and what they publish, until nothing is left to run. */
  async runUntilIdle(maxJobs = 10_000): Promise<number> {
    let ran = 0;
    for (;;) {
      const next = [...this.consumers.keys()].find((queue) => (this.waiting.get(queue)?.length ?? 0) > 0);
      if (!next) return ran;
      if (++ran > maxJobs) throw new Error(`more than ${maxJobs} jobs: a loop?`);
      await this.runOne(next);
    }
  }

  async counts(queue: string): Promise<QueueCounts> {
    const done = this.finished.get(queue) ?? { completed: 0, failed: 0 };
    return { waiting: this.waiting.get(queue)?.length ?? 0, active: 0, delayed: 0, ...done };
  }

  async presence(queue: string, jobId: string): Promise<JobPresence> {
    if ((this.waiting.get(queue) ?? []).some((pending) => pending.job.id === jobId)) return 'live';
    return this.done.get(queue)?.has(jobId) ? 'finished' : 'missing';
  }

  async list(queue: string, limit: number): Promise<ListedJob[]> {
    const listed = (job: OutgoingJob, state: ListedJob['state'], addedAt: Date): ListedJob => ({
      queue, id: job.id, name: job.name, state, data: { ...job.data }, addedAt,
    });
    return [
      ...(this.waiting.get(queue) ?? []).map((pending) => listed(pending.job, 'live', this.addedAt.get(pending.job) ?? new Date(0))),
      ...[...(this.done.get(queue)?.values() ?? [])].map((finished) => listed(finished.job, finished.state, finished.addedAt)),
    ].slice(0, limit);
  }

  /** As when Redis restarts empty: every job of `queue`, waiting or finished, is gone. */
  lose(queue: string): void {
    this.waiting.delete(queue);
    this.seen.delete(queue);
    this.done.delete(queue);
  }

  async close(): Promise<void> {
    this.consumers.clear();
  }

  private async runOne(queue: string): Promise<void> {
    const consumer = this.consumers.get(queue);
    const pending = this.waiting.get(queue)?.shift();
    if (!consumer || !pending) return;
    const done = this.finished.get(queue) ?? { completed: 0, failed: 0 };
    this.finished.set(queue, done);
    const policy = this.retry[queueKindOf(queue)];
    const attempt = pending.attemptsMade + 1;
    const last = isLastAttempt(policy, attempt, 0, pending.backedOffMs);
    const finish = (state: 'completed' | 'failed') => {
      const finished = this.done.get(queue) ?? new Map<string, { job: OutgoingJob; state: 'completed' | 'failed'; addedAt: Date }>();
      finished.set(pending.job.id, { job: pending.job, state, addedAt: this.addedAt.get(pending.job) ?? new Date(0) });
      this.done.set(queue, finished);
      this.addedAt.delete(pending.job);
    };
    try {
      const handler = consumer.handlers[pending.job.name];
      if (!handler) throw new PermanentMessageError(`no consumer for job ${pending.job.name} on ${queue}`);
      await handler(pending.job.data as never, { jobId: pending.job.id, attempt, isLastAttempt: last });
      done.completed++;
      finish('completed');
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      const record = deadLetterRecord(queue, pending.job, failure, attempt);
      if (!(failure instanceof PermanentMessageError) && !last) {
        const delay = retryDelayMs(policy, attempt);
        await consumer.options.onRetry?.(record, new Date(Date.now() + delay)).catch(() => undefined);
        this.waiting.get(queue)?.push({ job: pending.job, attemptsMade: attempt, backedOffMs: pending.backedOffMs + delay });
        return;
      }
      await consumer.options.onDeadLetter(record);
      this.deadLetters.push(record);
      done.failed++;
      finish('failed');
    }
  }
}
