import { Logger } from '@nestjs/common';
import { DelayedError, type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { DEAD_LETTER_QUEUE, type QueueKind } from '#contracts';
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
import { isLastAttempt, JOB_PRIORITY, queueKindOf, RETENTION, retryDelayMs, type RetryPolicies, UNBOUNDED_ATTEMPTS } from './queue-policy.js';
import { QueueWriteMonitor } from './queue-write-monitor.js';
import { asBullMqConnection, closeQueueConnection, createQueueConnection, type QueueConnection, queueBackendKind } from './queue-backend.js';
import { logConnectionErrors } from './redis-connection.js';

export interface BullMqDriverOptions {
  redisUrl: string;
  /** BullMQ key prefix, the same for every app of one bus */
  prefix: string;
  retry: RetryPolicies;
  /** BullMQ lockDuration and stalledInterval: a dead worker's job is retaken after about this long */
  lockMs?: number;
  /** a dead letter that cannot be recorded yet (PostgreSQL down) is tried again after this long */
  deadLetterRetryMs?: number;
  /** "now" for the retry window (an injected clock in tests and drills); default the system clock */
  now?: () => number;
  /** told of every publish's outcome, so health and metrics see a queue layer refusing writes */
  writeMonitor?: QueueWriteMonitor;
}

/** The name of the bus's backoff (registered on every worker): exponential, capped (queue-policy.ts). */
const BACKOFF_TYPE = 'bus-capped-exponential';
/**
 * A worker that has taken no job for this long while jobs of its queue stood ready, with room to run
 * them, is replaced (Redis only). Its blocking connection may be wedged: after a Redis Cluster
 * master's death, ioredis has left a worker's duplicated cluster client connected but never again
 * blocking on the queue (seen in the compose cluster test), and BullMQ relies on ioredis to recover.
 */
const WEDGED_AFTER_MS = 20_000;
const WATCH_EVERY_MS = 5_000;

/** One consume(): its current worker and what the watchdog needs to judge it. */
interface Consumer {
  queue: string;
  worker: Worker;
  connection: QueueConnection;
  concurrency: number;
  /** jobs of this worker under way */
  running: number;
  lastTakenAt: number;
  /** when the queue was first seen with jobs ready and none taken since */
  readySince?: number;
  checking: boolean;
  /** a new worker and connection in place of the current ones */
  restart?: () => void;
}

/** Job states in which BullMQ will still run the job. */
const LIVE_STATES = new Set(['waiting', 'prioritized', 'delayed', 'active', 'waiting-children']);

/**
 * The QueueDriver on BullMQ, on Redis or on BullMQ's PostgreSQL backend (selected at boot, queue-backend.ts). Job options per queue kind are defined here once; a consumer's job
 * either completes, is retried with backoff (a plain error), or — a PermanentMessageError, or the
 * last attempt — is recorded as a dead letter and copied to the dead-letter queue.
 */
export class BullMqDriver implements QueueDriver {
  private readonly logger = new Logger(BullMqDriver.name);
  private readonly connections: QueueConnection[] = [];
  private readonly queues = new Map<string, Queue>();
  private readonly consumers: Consumer[] = [];
  private watchdog?: NodeJS.Timeout;
  private closing = false;
  private publisher?: QueueConnection;

  private readonly monitor: QueueWriteMonitor;
  private readonly now: () => number;

  constructor(private readonly options: BullMqDriverOptions) {
    this.monitor = options.writeMonitor ?? new QueueWriteMonitor();
    this.now = options.now ?? Date.now;
    // A Redis that may evict keys: no job is taken until it keeps them again (publishes are refused by the monitor).
    this.monitor.onEvictionChange((evicting) => void (evicting ? this.pauseWorkers() : this.resumeWorkers()));
  }

  private get workers(): Worker[] {
    return this.consumers.map((consumer) => consumer.worker);
  }

  private async pauseWorkers(): Promise<void> {
    // Not waiting for the jobs under way: they finish or are retried; no new one is taken.
    await Promise.all(this.workers.map((worker) => worker.pause(true))).catch((error: unknown) => this.logger.error(`pausing the workers failed: ${String(error)}`));
  }

  private async resumeWorkers(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.resume())).catch((error: unknown) => this.logger.error(`resuming the workers failed: ${String(error)}`));
  }

  async publish(job: OutgoingJob): Promise<void> {
    await this.monitor.watch(() => this.queue(job.queue).add(job.name, job.data, this.jobOptions(job)));
  }

  async publishBulk(jobs: readonly OutgoingJob[]): Promise<void> {
    const byQueue = new Map<string, OutgoingJob[]>();
    for (const job of jobs) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
    await this.monitor.watch(() =>
      Promise.all(
        [...byQueue].map(([name, batch]) =>
          this.queue(name).addBulk(batch.map((job) => ({ name: job.name, data: job.data, opts: this.jobOptions(job) }))),
        ),
      ),
    );
  }

  async presence(queue: string, jobId: string): Promise<JobPresence> {
    const state = await this.queue(queue).getJobState(jobId);
    if (state === 'unknown') return 'missing';
    return LIVE_STATES.has(state) ? 'live' : 'finished';
  }

  async list(queue: string, limit: number): Promise<ListedJob[]> {
    const listed: ListedJob[] = [];
    const groups: [ListedJob['state'], ('waiting' | 'prioritized' | 'delayed' | 'active' | 'waiting-children' | 'completed' | 'failed')[]][] = [
      ['live', ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children']],
      ['completed', ['completed']],
      ['failed', ['failed']],
    ];
    const page = 500;
    for (const [state, types] of groups) {
      for (let start = 0; listed.length < limit; start += page) {
        const jobs = await this.queue(queue).getJobs(types, start, start + page - 1, true);
        for (const job of jobs) {
          // A job removed between the listing of its id and the reading of its hash comes back empty.
          if (!job?.id || listed.length >= limit) continue;
          listed.push({ queue, id: String(job.id), name: job.name, state, data: (job.data ?? {}) as Record<string, unknown>, addedAt: new Date(job.timestamp) });
        }
        if (jobs.length < page) break;
      }
    }
    return listed;
  }

  async consume<K extends QueueKind>(queue: string, kind: K, handlers: HandlerMap<K>, options: ConsumeOptions): Promise<void> {
    assertHandlers(queue, kind, handlers);
    const consumer = this.startWorker(queue, kind, handlers, options);
    this.consumers.push(consumer);
    if (queueBackendKind() === 'redis') this.watchdog ??= setInterval(() => void this.watchWorkers(), WATCH_EVERY_MS).unref();
    await consumer.worker.waitUntilReady();
    if (this.monitor.evicting) await consumer.worker.pause(true);
  }

  private startWorker<K extends QueueKind>(
    queue: string,
    kind: K,
    handlers: HandlerMap<K>,
    options: ConsumeOptions,
    replacing?: Consumer,
  ): Consumer {
    const lockMs = this.options.lockMs ?? 30_000;
    const policy = this.options.retry[kind];
    const connection = this.connection(`${queue}.worker`);
    const concurrency = options.concurrency ?? 4;
    const consumer: Consumer = replacing ?? { queue, worker: undefined as unknown as Worker, connection, concurrency, running: 0, lastTakenAt: Date.now(), checking: false };
    const worker = new Worker(
      queue,
      async (job, token) => {
        consumer.lastTakenAt = Date.now();
        consumer.running += 1;
        try {
          return await this.process(queue, handlers, options, job, token);
        } finally {
          consumer.running -= 1;
        }
      },
      {
        prefix: this.options.prefix,
        connection: asBullMqConnection(connection),
        concurrency,
        lockDuration: lockMs,
        stalledInterval: lockMs,
        settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(policy, attemptsMade) },
      },
    );
    logConnectionErrors(worker, `worker of ${queue}`);
    Object.assign(consumer, { worker, connection, lastTakenAt: Date.now(), readySince: undefined });
    consumer.restart = () => this.startWorker(queue, kind, handlers, options, consumer);
    return consumer;
  }

  /** Replaces each worker that takes no job while its queue has jobs ready (WEDGED_AFTER_MS). */
  private async watchWorkers(): Promise<void> {
    for (const consumer of this.consumers) {
      if (this.closing || consumer.checking || consumer.worker.isPaused() || consumer.running >= consumer.concurrency) {
        consumer.readySince = undefined;
        continue;
      }
      consumer.checking = true;
      try {
        const counts = await this.queue(consumer.queue).getJobCounts('waiting', 'prioritized');
        const ready = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
        const now = Date.now();
        if (ready === 0 || consumer.lastTakenAt > (consumer.readySince ?? now)) {
          consumer.readySince = ready === 0 ? undefined : now;
          continue;
        }
        consumer.readySince ??= now;
        if (now - consumer.readySince < WEDGED_AFTER_MS || now - consumer.lastTakenAt < WEDGED_AFTER_MS) continue;
        this.logger.warn(`worker of ${consumer.queue} took no job for ${Math.round((now - consumer.lastTakenAt) / 1000)} s while ${ready} stood ready: replacing it and its Redis connection`);
        const { worker, connection } = consumer;
        consumer.restart?.();
        this.forget(connection);
        // The old worker's commands may never settle: its closing is not waited for.
        void worker.close(true).catch(() => undefined);
        // the watchdog runs in redis mode only: the connection is an ioredis client
        (connection as Redis | Cluster).disconnect();
      } catch {
        // Redis not answering is no proof of a wedged worker: judged again at the next round.
      } finally {
        consumer.checking = false;
      }
    }
  }

  private forget(connection: QueueConnection): void {
    const index = this.connections.indexOf(connection);
    if (index >= 0) this.connections.splice(index, 1);
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
    this.closing = true;
    clearInterval(this.watchdog);
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
      // The retry window decides the last attempt (process below); BullMQ's count never does.
      attempts: UNBOUNDED_ATTEMPTS,
      backoff: { type: BACKOFF_TYPE, delay: retry.backoffMs },
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
    const policy = this.options.retry[queueKindOf(queue)];
    const last = isLastAttempt(policy, attempt, job.timestamp, this.now());
    try {
      // A job whose hash is gone (an evicting Redis) comes with no name and no data: nothing to run.
      // It ends as a dead letter naming its id and queue; the row it stood for is still in
      // PostgreSQL, and the reconciler queues it again under a new id.
      if (!job.name) throw new PermanentMessageError(`job ${job.id} of ${queue} has lost its name and data (evicted from Redis?); what it stood for is queued again from PostgreSQL by the reconciler`);
      const handler = handlers[job.name];
      if (!handler) throw new PermanentMessageError(`no consumer for job ${job.name} on ${queue}`);
      return await handler(job.data as never, { jobId: String(job.id), attempt, isLastAttempt: last });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      const record = deadLetterRecord(queue, { id: String(job.id), name: job.name, data: job.data }, failure, attempt);
      if (!(failure instanceof PermanentMessageError) && !last) {
        const nextAttemptAt = new Date(this.now() + retryDelayMs(policy, attempt));
        this.logger.warn(`job ${job.id} (${job.name}) of ${queue} failed attempt ${attempt}, will retry at ${nextAttemptAt.toISOString()}: ${failure.message}`);
        // The "retrying" state is written where it can be; PostgreSQL being down is often why we are here.
        await options.onRetry?.(record, nextAttemptAt).catch(() => undefined);
        throw failure;
      }
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
      await this.queue(DEAD_LETTER_QUEUE)
        .add(record.type, { ...(job.data as object), deadLetter: record }, { jobId: `${queue}.${record.jobId}` })
        // The row in PostgreSQL is the lasting record; the queue copy is for dashboards.
        .catch((copyError: unknown) => this.logger.warn(`dead letter ${record.jobId} recorded, its queue copy not: ${String(copyError)}`));
      throw new UnrecoverableError(failure.message);
    }
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      this.publisher ??= this.connection('publisher');
      queue = new Queue(name, { prefix: this.options.prefix, connection: asBullMqConnection(this.publisher) });
      // Without a listener BullMQ prints a Queue's connection errors with console.error, outside the JSON log.
      logConnectionErrors(queue, `queue ${name}`);
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
