import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { adapterConfig, type AdapterSettings, CLOCK, systemClock } from '#config';
import { deliveryQueueName, inboxQueueName } from '#contracts';
import { ObservabilityModule } from '#observability';
import { OutboxRepository, PersistenceModule } from '#persistence';
import { BullMqClient, OutboxRelay } from '#bus';
import { AgencyContext } from './api/agency.context.js';
import { API_KEY_DIGESTS, API_KEY_OWNER, ApiKeyGuard } from '#http';
import { HandoffsController } from './api/handoffs.controller.js';
import { InboxController } from './api/inbox.controller.js';
import { UnitRosterController } from './api/roster.controller.js';
import { InboxConsumer } from './consumer/inbox.consumer.js';
import { InboxConsumerService } from './consumer/inbox-consumer.service.js';
import { WebhookDeliveryConsumer } from './delivery/webhook-delivery.consumer.js';
import { WebhookDeliveryService } from './delivery/webhook-delivery.service.js';
import { HandoffOpeningService } from './handoffs/handoff-opening.service.js';
import { IdempotentWriteService } from './handoffs/idempotent-write.service.js';
import { LifecycleService } from './handoffs/lifecycle.service.js';

/** One unit's adapter: its HTTP API, its inbox consumer, its outbox relay, delivery to its system. */
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [adapterConfig] }),
    PersistenceModule.forRoot({ inject: [adapterConfig.KEY], databaseUrl: (settings: AdapterSettings) => settings.databaseUrl }),
    ObservabilityModule.forRoot({
      inject: [adapterConfig.KEY],
      useFactory: (settings: AdapterSettings) => ({
        app: 'adapter',
        agency: settings.agency,
        logLevel: settings.logLevel,
        redisUrl: settings.redisUrl,
        queuePrefix: settings.queuePrefix,
        queues: [inboxQueueName(settings.agency), ...(settings.delivery.mode === 'webhook' ? [deliveryQueueName(settings.agency)] : [])],
        handoffs: { agency: settings.agency },
      }),
    }),
  ],
  controllers: [HandoffsController, InboxController, UnitRosterController, InboxConsumer, WebhookDeliveryConsumer],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: BullMqClient,
      inject: [adapterConfig.KEY],
      useFactory: (settings: AdapterSettings) =>
        new BullMqClient({ redisUrl: settings.redisUrl, prefix: settings.queuePrefix, inboxRetry: settings.inboxRetry, deliveryRetry: settings.deliveryRetry }),
    },
    {
      provide: OutboxRelay,
      inject: [OutboxRepository, BullMqClient, adapterConfig.KEY],
      useFactory: (outbox: OutboxRepository, client: BullMqClient, settings: AdapterSettings) =>
        new OutboxRelay(outbox, client, {
          agency: settings.agency,
          pollMs: settings.outboxPollMs,
          redeliverAfterMs: settings.outboxRedeliverAfterMs,
        }),
    },
    AgencyContext,
    { provide: API_KEY_DIGESTS, inject: [adapterConfig.KEY], useFactory: (settings: AdapterSettings) => settings.apiKeySha256 },
    { provide: API_KEY_OWNER, inject: [adapterConfig.KEY], useFactory: (settings: AdapterSettings) => settings.agency },
    ApiKeyGuard,
    HandoffOpeningService,
    LifecycleService,
    IdempotentWriteService,
    InboxConsumerService,
    WebhookDeliveryService,
  ],
})
export class AdapterModule implements OnApplicationShutdown {
  constructor(@Inject(BullMqClient) private readonly client: BullMqClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
