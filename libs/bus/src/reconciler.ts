import type { QueueDriver } from './queue-driver.js';

/** A row whose state says a job should be in `queue` under `jobId`. */
export interface ReconcileCandidate {
  id: string;
  queue: string;
  jobId: string;
}

/**
 * One kind of state the reconciler compares with the queues: a unit's outbox (messages to other
 * units and step events to the scheduler), its webhook deliveries, or the office's alerts.
 */
export interface ReconcileSource {
  readonly name: string;
  /** rows that should have a live job: published (or received) before `olderThan`, not yet done */
  candidates(olderThan: Date, limit: number): Promise<ReconcileCandidate[]>;
  /** queues these rows again, each under a new job id */
  requeue(orphans: readonly ReconcileCandidate[]): Promise<void>;
}

export interface ReconcileReport {
  source: string;
  /** rows looked at */
  checked: number;
  /** rows with no live job: requeued, or in a dry run those that would be */
  orphaned: ReconcileCandidate[];
  dryRun: boolean;
}

export interface ReconcilerOptions {
  /**
   * How old a row must be before its job is looked for. The relay stamps a row published only
   * after its job was added, so this only has to cover a consumer between its commit and its
   * job's completion; a few seconds is plenty.
   */
  graceMs: number;
  /** rows looked at per source and pass */
  batchSize?: number;
  now?: () => number;
}

/**
 * Compares PostgreSQL's state with the queues and queues again whatever should be waiting or
 * running and is not: Redis restarted empty, a job evicted, an old failed job
 * holding the id, a process killed between its commit and its publish. A job that is waiting,
 * delayed (retrying) or active is left alone; everything else is republished under a new job id,
 * and the consumer's lasting key (the inbox's, a delivery's status, an alert's channels) makes a
 * republication harmless when the first job was only slow.
 */
export class Reconciler {
  constructor(
    private readonly driver: QueueDriver,
    private readonly sources: readonly ReconcileSource[],
    private readonly options: ReconcilerOptions,
  ) {}

  async run(options: { dryRun?: boolean } = {}): Promise<ReconcileReport[]> {
    const dryRun = options.dryRun ?? false;
    const now = (this.options.now ?? Date.now)();
    const olderThan = new Date(now - this.options.graceMs);
    const reports: ReconcileReport[] = [];
    for (const source of this.sources) {
      const candidates = await source.candidates(olderThan, this.options.batchSize ?? 1_000);
      const orphaned: ReconcileCandidate[] = [];
      for (const candidate of candidates) {
        if ((await this.driver.presence(candidate.queue, candidate.jobId)) !== 'live') orphaned.push(candidate);
      }
      if (!dryRun && orphaned.length > 0) await source.requeue(orphaned);
      reports.push({ source: source.name, checked: candidates.length, orphaned, dryRun });
    }
    return reports;
  }
}

/** The job id of a delivery job queued for the `publications`-th time (0: the consumer's first). */
export function deliveryJobId(messageId: string, publications: number): string {
  return publications <= 0 ? messageId : `${messageId}.r${publications}`;
}
