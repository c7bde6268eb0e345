import { Logger } from '@nestjs/common';
import { DelayedError, type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import { DEAD_LETTER_QUEUE, type QueueKind } from '#contracts';
import { PermanentMessageError } from './consumer-outcome.js';
import {
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
import { JOB_PRIORITY, queueKindOf, RETENTION, type RetryPolicies } from './queue-policy.js';
import { asBullMqConnection, closeQueueConnection, createQueueConnection, type QueueConnection } from './queue-backend.js';

export interface BullMqDriverOptions {
  redisUrl: string;
  /** BullMQ key prefix, the same for every app of one bus */
  prefix: string;
  retry: RetryPolicies;
  /** BullMQ lockDuration and stalledInterval: a dead worker's job is retaken after about this long */
  lockMs?: number;
  /** a dead letter that cannot be recorded yet (PostgreSQL down) is tried again after this long */
  deadLetterRetryMs?: number;
}

/**
 * The QueueDriver on BullMQ, on Redis or on BullMQ's PostgreSQL backend (selected at boot, queue-backend.ts). Job options per queue kind are defined here once; a consumer's job
 * either completes, is retried with backoff (a plain error), or — a PermanentMessageError, or the
 * last attempt — is recorded as a dead letter and copied to the dead-letter queue.
 */
export class BullMqDriver implements QueueDriver {
  private readonly logger = new Logger(BullMqDriver.name);
  private readonly connections: QueueConnection[] = [];
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private publisher?: QueueConnection;

  constructor(private readonly options: BullMqDriverOptions) {}

  async publish(job: OutgoingJob): Promise<void> {
    await this.queue(job.queue).add(job.name, job.data, this.jobOptions(job));
  }

  async publishBulk(jobs: readonly OutgoingJob[]): Promise<void> {
    const byQueue = new Map<string, OutgoingJob[]>();
    for (const job of jobs) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
    await Promise.all(
      [...byQueue].map(([name, batch]) =>
        this.queue(name).addBulk(batch.map((job) => ({ name: job.name, data: job.data, opts: this.jobOptions(job) }))),
      ),
    );
  }

  async consume<K extends QueueKind>(queue: string, kind: K, handlers: HandlerMap<K>, options: ConsumeOptions): Promise<void> {
    assertHandlers(queue, kind, handlers);
    const lockMs = this.options.lockMs ?? 30_000;
    const worker = new Worker(queue, (job, token) => this.process(queue, handlers, options, job, token), {
      prefix: this.options.prefix,
      connection: asBullMqConnection(this.connection(`${queue}.worker`)),
      concurrency: options.concurrency ?? 4,
      lockDuration: lockMs,
      stalledInterval: lockMs,
    });
    worker.on('error', (error) => this.logger.error(`worker error on ${queue}: ${error.message}`));
    this.workers.push(worker);
    await worker.waitUntilReady();
  }

  async counts(queue: string): Promise<QueueCounts> {
    const counts = await this.queue(queue).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await Promise.all(this.connections.map((connection) => closeQueueConnection(connection)));
  }

  private jobOptions(job: OutgoingJob): JobsOptions {
    const kind = queueKindOf(job.queue);
    const retry = this.options.retry[kind];
    const retention = RETENTION[kind];
    return {
      jobId: assertJobId(job.id),
      priority: JOB_PRIORITY[job.priority],
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
      removeOnComplete: { age: retention.completedAgeSeconds, count: retention.completedCount },
      removeOnFail: { age: retention.failedAgeSeconds },
    };
  }

  private async process(
    queue: string,
    handlers: Record<string, JobHandler<never>>,
    options: ConsumeOptions,
    job: Job,
    token: string | undefined,
  ): Promise<unknown> {
    // attemptsMade counts the attempts that failed before this one.
    const attempt = job.attemptsMade + 1;
    const isLastAttempt = attempt >= (job.opts.attempts ?? 1);
    try {
      const handler = handlers[job.name];
      if (!handler) throw new PermanentMessageError(`no consumer for job ${job.name} on ${queue}`);
      return await handler(job.data as never, { jobId: String(job.id), attempt, isLastAttempt });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      if (!(failure instanceof PermanentMessageError) && !isLastAttempt) {
        this.logger.warn(`job ${job.id} (${job.name}) of ${queue} failed attempt ${attempt}, will retry: ${failure.message}`);
        throw failure;
      }
      const record = deadLetterRecord(queue, { id: String(job.id), name: job.name, data: job.data }, failure, attempt);
      try {
        await options.onDeadLetter(record);
      } catch (recordError) {
        // The dead letter cannot be written (PostgreSQL down?): keep the job, try again later,
        // rather than let it fail with no record anywhere.
        const message = recordError instanceof Error ? recordError.message : String(recordError);
        this.logger.error(`cannot record dead letter of job ${job.id} on ${queue} yet (${message}); trying again later`);
        if (token) {
          await job.moveToDelayed(Date.now() + (this.options.deadLetterRetryMs ?? 30_000), token);
          throw new DelayedError();
        }
        throw failure;
      }
      this.logger.error(`dead-lettered job ${record.jobId} (${record.type}) of ${queue}: ${record.reason}`);
      await this.queue(DEAD_LETTER_QUEUE).add(job.name, { ...(job.data as object), deadLetter: record }, { jobId: `${queue}.${record.jobId}` });
      throw new UnrecoverableError(failure.message);
    }
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      this.publisher ??= this.connection('publisher');
      queue = new Queue(name, { prefix: this.options.prefix, connection: asBullMqConnection(this.publisher) });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** A Redis (or cluster) client per caller, or the process's PostgreSQL pool (QUEUE_BACKEND). */
  private connection(name: string): QueueConnection {
    const connection = createQueueConnection(this.options.redisUrl, name);
    this.connections.push(connection);
    return connection;
  }
}
