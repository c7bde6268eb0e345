import type { INestApplication } from '@nestjs/common';
import { CLOCK, type Clock } from '#config';
import { OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE } from '#contracts';
import { QUEUE_DRIVER, type QueueDriver, QueueTransport, startQueueTransport } from '#bus';
import { QueueJobInterceptor } from '#observability';
import { OfficeScope } from '#persistence';
import { ALERT_SEND_CONCURRENCY } from './alerts/alert-channels.service.js';
import { STEP_EVENT_CONCURRENCY } from './obligations/obligation-reconciler.service.js';

/** The scheduler's queues as a Nest transport: step events and office alerts; dead letters in the office's tables. */
export const schedulerQueueTransport = {
  provide: QueueTransport,
  inject: [OfficeScope, QUEUE_DRIVER, CLOCK],
  useFactory: (office: OfficeScope, driver: QueueDriver, clock: Clock) =>
    new QueueTransport(
      driver,
      [
        // Many at once: they are written in batches (ObligationReconciler.stepRecorded).
        { queue: SCHEDULER_QUEUE, kind: 'scheduler', concurrency: STEP_EVENT_CONCURRENCY },
        // Several at once: their HTTP round trips overlap, their stamps are written together (AlertChannels).
        { queue: OFFICE_ALERTS_QUEUE, kind: 'alerts', concurrency: ALERT_SEND_CONCURRENCY },
      ],
      {
        onDeadLetter: (record) => office.deadLetters.record(record, clock.now()),
        onRetry: (record, nextAttemptAt) => office.deadLetters.retrying(record, nextAttemptAt),
      },
    ),
};

/** Starts consuming once the application is initialised; a handler missing or doubled stops the boot. */
export async function startSchedulerQueues(app: INestApplication): Promise<void> {
  await startQueueTransport(app, app.get(QueueTransport), [app.get(QueueJobInterceptor)]);
}
