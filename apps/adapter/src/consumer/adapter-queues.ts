import type { INestApplication } from '@nestjs/common';
import { deliveryQueueName, inboxQueueName } from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { QUEUE_DRIVER, type QueueDriver, type QueueSubscription, QueueTransport, startQueueTransport } from '#bus';
import { QueueJobInterceptor } from '#observability';
import { UnitContext } from '../api/unit.context.js';
import { DELIVERY_BATCH } from '../delivery/webhook-delivery.service.js';
import { INBOX_CONCURRENCY } from './inbox-consumer.service.js';

/**
 * The adapter's queues as a Nest transport: its inbox, and its deliveries when the unit takes
 * webhooks. Dead letters and retries are recorded in the unit's own tables.
 */
export const adapterQueueTransport = {
  provide: QueueTransport,
  inject: [UnitContext, QUEUE_DRIVER, adapterConfig.KEY, CLOCK],
  useFactory: (agency: UnitContext, driver: QueueDriver, settings: AdapterSettings, clock: Clock) => {
    // Enough jobs at once for the inbox's group commit to form batches.
    const subscriptions: QueueSubscription[] = [{ queue: inboxQueueName(agency.code), kind: 'inbox', concurrency: INBOX_CONCURRENCY }];
    if (settings.delivery.mode === 'webhook') subscriptions.push({ queue: deliveryQueueName(agency.code), kind: 'delivery', concurrency: DELIVERY_BATCH });
    const deadLetters = agency.store.deadLetters;
    return new QueueTransport(driver, subscriptions, {
      onDeadLetter: (record) => deadLetters.record(record, clock.now()),
      onRetry: (record, nextAttemptAt) => deadLetters.retrying(record, nextAttemptAt),
    });
  },
};

/**
 * Starts consuming, once the application is initialised: a handler missing or doubled for a job
 * name of its queues stops the boot. Messages whose jobs were lost while the process was down are
 * the reconciler's (ReconcileLoop), which runs right after boot.
 */
export async function startAdapterQueues(app: INestApplication): Promise<void> {
  await startQueueTransport(app, app.get(QueueTransport), [app.get(QueueJobInterceptor)]);
}
