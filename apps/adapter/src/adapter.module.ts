import { JointMeetingController } from './api/joint-meeting.controller.js';
import { type BeforeApplicationShutdown, type DynamicModule, Inject, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { adapterConfig, adapterConfigFrom, type AdapterSettings, CLOCK, type Clock, FileClock, systemClock, type UnitEnv } from '#config';
import type { UnitCode } from '#contracts';
import { deliveryQueueName, inboxQueueName } from '#contracts';
import { ObservabilityModule } from '#observability';
import { ApiKeyRepository, ObservationQueries, PersistenceModule } from '#persistence';
import { BullMqDriver, DEFAULT_ALERT_RETRY, OutboxRelay, QUEUE_DRIVER, QueueClient, QUEUE_WRITE_MONITOR, type QueueDriver, type QueueWriteMonitor } from '#bus';
import { UnitContext } from './api/unit.context.js';
import { API_KEY_DIGESTS, API_KEY_OWNER, ApiKeyGuard, ApiKeyLookup, HttpDrain } from '#http';
import { RegistrationsController } from './api/registrations.controller.js';
import { RoutingController } from './api/routing.controller.js';
import { LedgerController } from './api/ledger.controller.js';
import { AttachmentsController } from './api/attachments.controller.js';
import { HandoffsController } from './api/handoffs.controller.js';
import { InboxController } from './api/inbox.controller.js';
import { UnitRosterController } from './api/roster.controller.js';
import { adapterQueueTransport } from './consumer/adapter-queues.js';
import { InboxJobsController } from './consumer/inbox-jobs.controller.js';
import { DeliveryJobsController } from './delivery/delivery-jobs.controller.js';
import { adapterReconcilerProvider } from './consumer/adapter-reconciler.provider.js';
import { DEFAULT_INBOX_GROUP_COMMIT, INBOX_GROUP_COMMIT, InboxConsumerService } from './consumer/inbox-consumer.service.js';
import { MessageAuthenticity } from './consumer/message-authenticity.service.js';
import { DEFAULT_DELIVERY_GROUP_COMMIT, DELIVERY_GROUP_COMMIT, WebhookDeliveryService } from './delivery/webhook-delivery.service.js';
import { HandoffOpeningService } from './handoffs/handoff-opening.service.js';
import { RegistrationService } from './handoffs/registration.service.js';
import { IdempotencyInterceptor } from './unit-of-work/idempotent.js';
import { IdempotentWrites } from './unit-of-work/idempotent-writes.js';
import { UnitOfWork } from './unit-of-work/unit-of-work.js';
import { LifecycleService } from './handoffs/lifecycle.service.js';
import { EvidenceCheckpointer } from './evidence/evidence-checkpointer.service.js';

/** The queue driver of a unit's adapter, on BullMQ; medium tests replace it with the in-process one. */
export const adapterQueueDriver = {
  provide: QUEUE_DRIVER,
  inject: [adapterConfig.KEY, CLOCK, QUEUE_WRITE_MONITOR],
  useFactory: (settings: AdapterSettings, clock: Clock, writeMonitor: QueueWriteMonitor): QueueDriver =>
    new BullMqDriver({
      redisUrl: settings.redisUrl,
      prefix: settings.queuePrefix,
      lockMs: settings.workerLockMs,
      now: () => clock.now().getTime(),
      writeMonitor,
      // The adapter publishes to inboxes (and step events) and its own deliveries.
      retry: { inbox: settings.inboxRetry, scheduler: settings.inboxRetry, delivery: settings.deliveryRetry, alerts: DEFAULT_ALERT_RETRY },
    }),
};

/** The units sharing one adapter process, each with its port (ADAPTER_UNITS, multi-main.ts). */
export type AdapterProcessUnits = readonly { agency: UnitCode; port: number }[];

/**
 * One unit's adapter: its HTTP API, its inbox consumer, its outbox relay, delivery to its system.
 * Import it as AdapterModule.forUnit(env): its configuration comes from that environment only.
 */
@Module({
  imports: [
    PersistenceModule.forRoot({
      inject: [adapterConfig.KEY],
      databaseUrl: (settings: AdapterSettings) => settings.databaseUrl,
      fieldEncryption: (settings: AdapterSettings) => settings.fieldEncryption,
      messageSigner: (settings: AdapterSettings) => settings.signing.signer,
    }),
  ],
  controllers: [
    HandoffsController,
    InboxController,
    UnitRosterController,
    RegistrationsController,
    RoutingController,
    AttachmentsController,
    LedgerController,
    JointMeetingController,
    // The queues' handlers (@OnQueueJob), served by the queue transport (startAdapterQueues).
    InboxJobsController,
    DeliveryJobsController,
  ],
  providers: [
    // Keep-alive clients do not hold the app past its SIGTERM (libs/http).
    HttpDrain,
    {
      provide: CLOCK,
      inject: [adapterConfig.KEY],
      useFactory: (settings: AdapterSettings) => (settings.clockFile ? new FileClock(settings.clockFile) : systemClock),
    },
    adapterQueueDriver,
    { provide: QueueClient, inject: [QUEUE_DRIVER], useFactory: (driver: QueueDriver) => new QueueClient(driver) },
    adapterQueueTransport,
    {
      provide: OutboxRelay,
      inject: [UnitContext, QUEUE_DRIVER, adapterConfig.KEY],
      useFactory: (agency: UnitContext, driver: QueueDriver, settings: AdapterSettings) =>
        new OutboxRelay(agency.store.outbox, driver, {
          owner: settings.agency,
          pollMs: settings.outboxPollMs,
        }),
    },
    UnitContext,
    { provide: API_KEY_DIGESTS, inject: [adapterConfig.KEY], useFactory: (settings: AdapterSettings) => settings.apiKeySha256 },
    { provide: API_KEY_OWNER, inject: [adapterConfig.KEY], useFactory: (settings: AdapterSettings) => settings.agency },
    ApiKeyGuard,
    { provide: ApiKeyLookup, useExisting: ApiKeyRepository },
    HandoffOpeningService,
    LifecycleService,
    RegistrationService,
    UnitOfWork,
    IdempotentWrites,
    IdempotencyInterceptor,
    InboxConsumerService,
    { provide: INBOX_GROUP_COMMIT, useValue: DEFAULT_INBOX_GROUP_COMMIT },
    MessageAuthenticity,
    WebhookDeliveryService,
    { provide: DELIVERY_GROUP_COMMIT, useValue: DEFAULT_DELIVERY_GROUP_COMMIT },
    adapterReconcilerProvider,
    EvidenceCheckpointer,
  ],
})
export class AdapterModule implements BeforeApplicationShutdown {
  constructor(@Inject(QUEUE_DRIVER) private readonly driver: QueueDriver) {}

  /**
   * The adapter of the unit `env` names (AGENCY). A process of one unit passes process.env; a
   * shared process (multi-main.ts) one application per unit, each with the unit's own copy of the
   * environment (adapterUnitEnvs), so no setting of one unit can reach another's services.
   */
  static forUnit(env: UnitEnv = process.env, sharedBy?: AdapterProcessUnits): DynamicModule {
    return {
      module: AdapterModule,
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [adapterConfigFrom(env)] }),
        ObservabilityModule.forRoot({
          observations: ObservationQueries,
          inject: [adapterConfig.KEY],
          useFactory: (settings: AdapterSettings) => ({
            app: 'adapter',
            agency: settings.agency,
            logLevel: settings.logLevel,
            redisUrl: settings.redisUrl,
            queuePrefix: settings.queuePrefix,
            queues: [inboxQueueName(settings.agency), ...(settings.delivery.mode === 'webhook' ? [deliveryQueueName(settings.agency)] : [])],
            handoffs: { agency: settings.agency },
            queueRefusalAlertMs: settings.queueRefusalAlertMs,
            ...(sharedBy ? { sharedBy } : {}),
          }),
        }),
      ],
    };
  }

  /**
   * After the module's loops stopped (Nest calls a module's providers before the module class) and
   * before the database closes: the workers finish the jobs they hold.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}
