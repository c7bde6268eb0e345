import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { OFFICE_ALERTS_QUEUE, SEND_OFFICE_ALERT } from '#contracts';
import { schedulerConfig, type SchedulerSettings } from '#config';
import { AlertRepository } from '#persistence';
import { createRedisConnection } from '#bus';

/**
 * Publishes alerts written by the sweep (or by a roster change) to the office-alerts queue. An
 * alert row is the outbox: the job id is its dedupe key (<handoff>:<rule>:<level>), so a
 * republish after a crash adds no second job while the first exists, and the channels skip
 * what they already sent.
 */
@Injectable()
export class AlertRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertRelay.name);
  private connection?: Redis;
  private queue?: Queue;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly alerts: AlertRepository,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = createRedisConnection(this.settings.redisUrl, 'alert-relay');
    this.queue = new Queue(OFFICE_ALERTS_QUEUE, { prefix: this.settings.queuePrefix, connection: this.connection });
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.queue?.close();
    await this.connection?.quit().catch(() => undefined);
  }

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
      } else if (!this.stopped) {
        this.timer = setTimeout(() => this.kick(), this.settings.sweepIntervalMs);
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      let published: number;
      do {
        published = await this.alerts.publishBatch(100, async (alerts) => {
          for (const alert of alerts) {
            await this.queue!.add(
              SEND_OFFICE_ALERT,
              { alertId: alert.id },
              {
                jobId: alert.dedupeKey,
                attempts: this.settings.alertRetry.attempts,
                backoff: { type: 'exponential', delay: this.settings.alertRetry.backoffMs },
                removeOnComplete: { age: 7 * 24 * 3600 },
                removeOnFail: { age: 30 * 24 * 3600 },
              },
            );
          }
        });
      } while (published === 100 && !this.stopped);
    } catch (error) {
      this.logger.error(`alert relay pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
