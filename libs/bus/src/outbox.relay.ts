import { Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AgencyCode } from '#contracts';
import type { OutboxRepository } from '#persistence';
import type { BullMqClient } from './bullmq.client.js';
import { PollingRelay } from './polling-relay.js';

export interface OutboxRelayOptions {
  agency: AgencyCode;
  pollMs: number;
  /** republish what was published this long ago and never reached the recipient's inbox */
  redeliverAfterMs: number;
  batchSize?: number;
}

/** Publishes the unit's outbox to the recipients' inbox queues (and step events to the scheduler). */
export class OutboxRelay extends PollingRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelay.name);
  private lastSweepAt = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly client: BullMqClient,
    private readonly options: OutboxRelayOptions,
  ) {
    super(options.pollMs);
  }

  onApplicationBootstrap(): void {
    this.startPolling();
  }

  /** At most twice per redelivery period: the sweep is a query, the relay pass runs on every write. */
  private async requeueUnconsumed(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweepAt < this.options.redeliverAfterMs / 2) return;
    this.lastSweepAt = now;
    const requeued = await this.outbox.requeueUnconsumed(this.options.agency, new Date(now - this.options.redeliverAfterMs));
    if (requeued > 0) this.logger.warn(`${requeued} published messages of ${this.options.agency} never reached their inbox; republishing`);
  }

  protected async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? 100;
    try {
      await this.requeueUnconsumed();
      let published: number;
      do {
        published = await this.outbox.publishBatch(this.options.agency, batchSize, async (pending) => {
          const done: string[] = [];
          const failed = new Map<string, string>();
          for (const job of pending) {
            try {
              await this.client.publishMessage(job);
              done.push(job.messageId);
            } catch (error) {
              failed.set(job.messageId, error instanceof Error ? error.message : String(error));
            }
          }
          if (failed.size > 0) this.logger.warn(`${failed.size} outbox messages of ${this.options.agency} not published; will retry`);
          return { published: done, failed };
        });
      } while (published === batchSize && !this.isStopped);
    } catch (error) {
      this.logger.error(`outbox relay pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
