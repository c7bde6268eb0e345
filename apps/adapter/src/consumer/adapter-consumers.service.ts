import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DELIVER_TO_UNIT_SYSTEM, deliveryQueueName, inboxQueueName } from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { type ConsumeOptions, QUEUE_DRIVER, type QueueDriver } from '#bus';
import { AgencyContext } from '../api/agency.context.js';
import { DELIVERY_BATCH, WebhookDeliveryService } from '../delivery/webhook-delivery.service.js';
import { INBOX_CONCURRENCY, InboxConsumerService } from './inbox-consumer.service.js';

/**
 * Starts the adapter's consumers at boot: its inbox, and its deliveries when the unit takes
 * webhooks. A handler missing for a job name of its queue makes the driver refuse, and the
 * process does not start.
 */
@Injectable()
export class AdapterConsumers implements OnApplicationBootstrap {

  constructor(
    private readonly agency: AgencyContext,
    private readonly inbox: InboxConsumerService,
    private readonly delivery: WebhookDeliveryService,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const deadLetters = this.agency.store.deadLetters;
    const options: ConsumeOptions = {
      onDeadLetter: (record) => deadLetters.record(record, this.clock.now()),
      onRetry: (record, nextAttemptAt) => deadLetters.retrying(record, nextAttemptAt),
    };
    // Enough jobs at once for the consumer's group commit to form batches.
    await this.driver.consume(inboxQueueName(this.agency.code), 'inbox', this.inbox.handlers(), { ...options, concurrency: INBOX_CONCURRENCY });
    if (this.settings.delivery.mode === 'webhook') {
      await this.driver.consume(
        deliveryQueueName(this.agency.code),
        'delivery',
        { [DELIVER_TO_UNIT_SYSTEM]: (data, context) => this.delivery.deliver(data, context) },
        { ...options, concurrency: DELIVERY_BATCH },
      );
    }
    // Deliveries and messages whose jobs were lost while this process was down are the
    // reconciler's (ReconcileLoop), which runs right after boot.
  }
}
