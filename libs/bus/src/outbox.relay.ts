import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AgencyCode } from '#contracts';
import type { OutboxRepository } from '#persistence';
import type { BullMqClient } from './bullmq.client.js';

export interface OutboxRelayOptions {
  agency: AgencyCode;
  pollMs: number;
  /** republish what was published this long ago and never reached the recipient's inbox */
  redeliverAfterMs: number;
  batchSize?: number;
}

/**
 * Publishes the unit's outbox to the recipients' inbox queues. Polling makes it self-healing
 * (rows written before a crash go out after restart); `kick()` after a write keeps latency low.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private lastSweepAt = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly client: BullMqClient,
    private readonly options: OutboxRelayOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Run a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        this.schedule(this.options.pollMs);
      }
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delayMs);
  }

  /** At most twice per redelivery period: the sweep is a query, the relay pass runs on every write. */
  private async requeueUnconsumed(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweepAt < this.options.redeliverAfterMs / 2) return;
    this.lastSweepAt = now;
    const requeued = await this.outbox.requeueUnconsumed(this.options.agency, new Date(now - this.options.redeliverAfterMs));
    if (requeued > 0) this.logger.warn(`${requeued} published messages of ${this.options.agency} never reached their inbox; republishing`);
  }

  private async drain(): Promise<void> {
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
      } while (published === batchSize && !this.stopped);
    } catch (error) {
      this.logger.error(`outbox relay pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
