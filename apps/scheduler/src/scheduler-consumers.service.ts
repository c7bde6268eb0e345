import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock } from '#config';
import { MessageType, OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE, SEND_OFFICE_ALERT } from '#contracts';
import { type ConsumeOptions, QUEUE_DRIVER, type QueueDriver } from '#bus';
import { OfficeScope } from '#persistence';
import { AlertChannels } from './alerts/alert-channels.service.js';
import { ObligationReconciler, STEP_EVENT_CONCURRENCY } from './obligations/obligation-reconciler.service.js';

/** Starts the scheduler's consumers: step events (its clocks) and office alerts (its channels). */
@Injectable()
export class SchedulerConsumers implements OnApplicationBootstrap {
  constructor(
    private readonly office: OfficeScope,
    private readonly reconciler: ObligationReconciler,
    private readonly channels: AlertChannels,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const options: ConsumeOptions = {
      onDeadLetter: (record) => this.office.deadLetters.record(record, this.clock.now()),
      onRetry: (record, nextAttemptAt) => this.office.deadLetters.retrying(record, nextAttemptAt),
    };
    // Many at once: they are written in batches (ObligationReconciler.stepRecorded).
    await this.driver.consume(SCHEDULER_QUEUE, 'scheduler', { [MessageType.StepRecorded]: (job) => this.reconciler.stepRecorded(job) }, { ...options, concurrency: STEP_EVENT_CONCURRENCY });
    await this.driver.consume(OFFICE_ALERTS_QUEUE, 'alerts', { [SEND_OFFICE_ALERT]: (job) => this.channels.send(job.alertId) }, options);
  }
}
