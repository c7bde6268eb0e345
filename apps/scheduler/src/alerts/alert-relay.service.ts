import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { OFFICE_ALERTS_QUEUE, SEND_OFFICE_ALERT } from '#contracts';
import { schedulerConfig, type SchedulerSettings } from '#config';
import { AlertRepository } from '#persistence';
import { asBullMqConnection, closeQueueConnection, createQueueConnection, PollingRelay, type QueueConnection } from '#bus';

/**
 * Publishes alerts written by the sweep (or by a roster change) to the office-alerts queue. An
 * alert row is the outbox: the job id is its dedupe key (<handoff>:<rule>:<level>), so a
 * republish after a crash adds no second job while the first exists, and the channels skip
 * what they already sent.
 */
@Injectable()
export class AlertRelay extends PollingRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertRelay.name);
  private connection?: QueueConnection;
  private queue?: Queue;

  constructor(
    private readonly alerts: AlertRepository,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
  ) {
    super(settings.sweepIntervalMs);
  }

  onApplicationBootstrap(): void {
    this.connection = createQueueConnection(this.settings.redisUrl, 'alert-relay');
    this.queue = new Queue(OFFICE_ALERTS_QUEUE, { prefix: this.settings.queuePrefix, connection: asBullMqConnection(this.connection) });
    this.startPolling();
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    await this.queue?.close();
    await closeQueueConnection(this.connection);
  }

  protected async drain(): Promise<void> {
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
                // Bounded: a backlog after an outage must not leave 100k finished jobs in Redis for a week.
                removeOnComplete: { age: 7 * 24 * 3600, count: 5_000 },
                removeOnFail: { age: 30 * 24 * 3600 },
              },
            );
          }
        });
      } while (published === 100 && !this.isStopped);
    } catch (error) {
      this.logger.error(`alert relay pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
