import type { DeadLetterRecord, JobDataByName, JobName, JobNameOf, Priority, QueueKind } from '#contracts';
import { JOBS_BY_QUEUE_KIND } from '#contracts';
import type { ConsumeOutcome } from './consumer-outcome.js';

/** A job to add to a queue. Its id makes a second add of the same job a no-op while the first exists. */
export interface OutgoingJob<N extends JobName = JobName> {
  queue: string;
  name: N;
  /** never contains ':' (BullMQ reserves it); see assertJobId */
  id: string;
  data: JobDataByName[N];
  priority: Priority;
}

/** What a handler learns of the attempt it runs in; "is this the last attempt?" is decided here only. */
export interface JobContext {
  jobId: string;
  /** 1 for the first attempt */
  attempt: number;
  isLastAttempt: boolean;
}

export type JobHandler<N extends JobName> = (data: JobDataByName[N], context: JobContext) => Promise<ConsumeOutcome>;

/**
 * One handler per job name of a queue kind: a consumer that forgets a name does
 * not compile, and `assertHandlers` refuses it again at boot for handler maps built at run time.
 */
export type HandlerMap<K extends QueueKind> = { [N in JobNameOf<K>]: JobHandler<N> };

export interface ConsumeOptions {
  /** records a permanent failure where it cannot be lost, before the job goes to the dead-letter queue */
  onDeadLetter: (record: DeadLetterRecord) => Promise<void>;
  /**
   * Records that a job failed and will run again at `nextAttemptAt` (the message's "retrying"
   * state). Best effort: when it cannot be written (PostgreSQL down) the job retries all the same.
   */
  onRetry?: (record: DeadLetterRecord, nextAttemptAt: Date) => Promise<void>;
  concurrency?: number;
}

/** Where a job stands in its queue: still to run (or running), finished, or not there at all. */
export type JobPresence = 'live' | 'finished' | 'missing';

/** One job as it stands in its queue, for an operator's listing: ids only, as every job carries. */
export interface ListedJob {
  queue: string;
  id: string;
  name: string;
  /** live: waiting, delayed or running; completed; failed (dead-lettered, or still kept after its last attempt) */
  state: 'live' | 'completed' | 'failed';
  data: Record<string, unknown>;
  /** when the job was added */
  addedAt: Date;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** The bus's one port to its queues: every publish and every consumer goes through it. */
export interface QueueDriver {
  publish(job: OutgoingJob): Promise<void>;
  publishBulk(jobs: readonly OutgoingJob[]): Promise<void>;
  /** Starts consuming `queue`; rejects, and the process refuses to start, when a handler is missing. */
  consume<K extends QueueKind>(queue: string, kind: K, handlers: HandlerMap<K>, options: ConsumeOptions): Promise<void>;
  counts(queue: string): Promise<QueueCounts>;
  /** For the reconciler: whether the job with this id will still run (waiting, delayed, active). */
  presence(queue: string, jobId: string): Promise<JobPresence>;
  /**
   * Every job the queue still holds, live or finished (finished jobs are kept for the retention of
   * queue-policy.ts), at most `limit`: what `npm run ops -- orphans` compares with PostgreSQL.
   */
  list(queue: string, limit: number): Promise<ListedJob[]>;
  close(): Promise<void>;
}

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');

/** A queue of `kind` was given no handler for one of the job names it carries. */
export class MissingHandlerError extends Error {
  override readonly name = 'MissingHandlerError';
  constructor(readonly queue: string, readonly missing: readonly string[]) {
    super(`no handler for ${missing.join(', ')} on queue ${queue}: refusing to consume it`);
  }
}

export function assertHandlers(queue: string, kind: QueueKind, handlers: Partial<Record<string, unknown>>): void {
  const missing = JOBS_BY_QUEUE_KIND[kind].filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0) throw new MissingHandlerError(queue, missing);
}

/** The record of a job given up on, the same whichever driver gave up. */
/** The type of a dead letter whose job came with no name (its data gone from the queue). */
export const UNKNOWN_JOB_TYPE = '(unknown: job data gone)';

export function deadLetterRecord(queue: string, job: { id: string; name: string | undefined; data: unknown }, failure: Error, attempts: number): DeadLetterRecord {
  const data = { ...(job.data as Record<string, unknown>) };
  delete data.deadLetter;
  const subject = (data as { messageId?: unknown; alertId?: unknown }).messageId ?? (data as { alertId?: unknown }).alertId;
  return {
    queue,
    jobId: job.id,
    messageId: typeof subject === 'string' ? subject : null,
    // A job whose data is gone has no name: the dead letter still records what is known.
    type: job.name || UNKNOWN_JOB_TYPE,
    reason: `${failure.name}: ${failure.message}`.slice(0, 2_000),
    attempts,
    data,
  };
}

/** BullMQ joins key parts with ':'; a job id containing one is refused by newer BullMQ versions. */
export function assertJobId(id: string): string {
  if (id.includes(':')) throw new Error(`job id ${id} contains ':'`);
  return id;
}
