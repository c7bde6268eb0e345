import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { JobName, Priority } from '#contracts';
import type { OutgoingJob, QueueDriver } from './queue-driver.js';
import { PollingRelay } from './polling-relay.js';

/** An outbox row claimed for publishing: what the job needs, and how often the row was claimed. */
export interface ClaimedPublication {
  /** the row's id: a message id, or an alert id */
  id: string;
  queue: string;
  name: JobName;
  data: OutgoingJob['data'];
  priority: Priority;
  /** 1 on the first claim; a row claimed again (lease ran out, or republished) gets a new job id */
  claims: number;
  /** the job id of the first publication (a message id, an alert's dedupe key) */
  baseJobId: string;
}

/**
 * A table-backed outbox as the relay sees it: claim a batch with a lease in
 * one short transaction, publish outside any transaction, stamp in another. A relay that dies
 * or freezes holds its batch only until the lease runs out; no row lock outlives a statement.
 */
export interface OutboxStore {
  claim(limit: number, leaseMs: number): Promise<ClaimedPublication[]>;
  markPublished(ids: readonly string[]): Promise<void>;
  release(ids: readonly string[], error: string): Promise<void>;
}

export interface OutboxRelayOptions {
  /** for log lines: whose outbox */
  owner: string;
  pollMs: number;
  leaseMs?: number;
  batchSize?: number;
}

/** The job id of a claim: the first publication keeps the base id, a republication gets its own. */
export function publicationJobId(publication: Pick<ClaimedPublication, 'baseJobId' | 'claims'>): string {
  return publication.claims <= 1 ? publication.baseJobId : `${publication.baseJobId}.r${publication.claims}`;
}

/** Publishes an outbox (a unit's messages, or the scheduler's alerts) through the queue driver. */
export class OutboxRelay extends PollingRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    private readonly outbox: OutboxStore,
    private readonly driver: QueueDriver,
    private readonly options: OutboxRelayOptions,
  ) {
    super(options.pollMs);
  }

  onApplicationBootstrap(): void {
    this.startPolling();
  }

  protected async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    try {
      let claimed: number;
      do {
        claimed = await this.publishBatch(batchSize);
      } while (claimed === batchSize && !this.isStopped);
    } catch (error) {
      this.logger.error(`outbox relay pass of ${this.options.owner} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** One batch: claim, publish in bulk, stamp. Returns how many rows it claimed. */
  async publishBatch(batchSize: number): Promise<number> {
    const batch = await this.outbox.claim(batchSize, this.options.leaseMs ?? 30_000);
    if (batch.length === 0) return 0;
    const ids = batch.map((row) => row.id);
    try {
      await this.driver.publishBulk(
        batch.map((row) => ({ queue: row.queue, name: row.name, id: publicationJobId(row), data: row.data, priority: row.priority })),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.outbox.release(ids, reason);
      this.logger.warn(`${ids.length} outbox rows of ${this.options.owner} not published, will retry: ${reason}`);
      return 0;
    }
    await this.outbox.markPublished(ids);
    return batch.length;
  }
}
