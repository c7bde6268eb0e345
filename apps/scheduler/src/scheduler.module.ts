import { type BeforeApplicationShutdown, Inject, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CLOCK, FileClock, schedulerConfig, type SchedulerSettings, systemClock } from '#config';
import { API_KEY_DIGESTS, API_KEY_OWNER, ApiKeyGuard, ApiKeyLookup, HttpDrain } from '#http';
import { everyBusQueue, ObservabilityModule, OverdueObligationsCollector } from '#observability';
import { ApiKeyRepository, ObservationQueries, PersistenceModule } from '#persistence';
import { BullMqDriver, DEFAULT_DELIVERY_RETRY, DEFAULT_INBOX_RETRY, QUEUE_DRIVER, QUEUE_WRITE_MONITOR, type QueueDriver, type QueueWriteMonitor } from '#bus';
import { AlertChannels } from './alerts/alert-channels.service.js';
import { alertRelayProvider, schedulerReconcilerProvider } from './alerts/alert-relay.provider.js';
import { OperationsAlarms } from './alerts/operations-alarms.service.js';
import { CalendarController } from './api/calendar.controller.js';
import { JointMeetingController } from './api/joint-meeting.controller.js';
import { EvaluationController } from './api/evaluation.controller.js';
import { EscalationsController } from './api/escalations.controller.js';
import { ObligationsController } from './api/obligations.controller.js';
import { RosterController } from './api/roster.controller.js';
import { CalendarService } from './calendar/calendar.service.js';
import { CalendarUploadService } from './calendar/calendar-upload.service.js';
import { deadlineRulesProvider } from './obligations/deadline-rules.provider.js';
import { ObligationReconciler } from './obligations/obligation-reconciler.service.js';
import { SchedulerConsumers } from './scheduler-consumers.service.js';
import { DeadlineSweeper } from './sweep/deadline-sweeper.service.js';

/** The scheduler's queue driver, on BullMQ; medium tests replace it with the in-process one. */
export const schedulerQueueDriver = {
  provide: QUEUE_DRIVER,
  inject: [schedulerConfig.KEY, QUEUE_WRITE_MONITOR],
  useFactory: (settings: SchedulerSettings, writeMonitor: QueueWriteMonitor): QueueDriver =>
    new BullMqDriver({
      redisUrl: settings.redisUrl,
      prefix: settings.queuePrefix,
      lockMs: settings.workerLockMs,
      // Alert retries run on the wall clock: a drill's CLOCK_FILE moves deadlines by days, and must
      // not close every alert's retry window at its first failure.
      writeMonitor,
      // The scheduler publishes office alerts only.
      // It consumes step events and alerts; the other kinds are never its to consume.
      retry: { alerts: settings.alertRetry, inbox: DEFAULT_INBOX_RETRY, scheduler: settings.stepEventRetry, delivery: DEFAULT_DELIVERY_RETRY },
    }),
};

/** The scheduler: keeps every handoff's clocks and escalates what is overdue (第十九条–第二十二条). */
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [schedulerConfig] }),
    PersistenceModule.forRoot({ inject: [schedulerConfig.KEY], databaseUrl: (settings: SchedulerSettings) => settings.databaseUrl }),
    ObservabilityModule.forRoot({
      observations: ObservationQueries,
      inject: [schedulerConfig.KEY],
      useFactory: (settings: SchedulerSettings) => ({
        app: 'scheduler',
        logLevel: settings.logLevel,
        redisUrl: settings.redisUrl,
        queuePrefix: settings.queuePrefix,
        queues: everyBusQueue(),
        handoffs: 'all',
        queueRefusalAlertMs: settings.queueRefusalAlertMs,
      }),
    }),
  ],
  controllers: [EscalationsController, CalendarController, RosterController, ObligationsController, EvaluationController, JointMeetingController],
  providers: [
    // Keep-alive clients do not hold the app past its SIGTERM (libs/http).
    HttpDrain,
    {
      provide: CLOCK,
      inject: [schedulerConfig.KEY],
      useFactory: (settings: SchedulerSettings) => (settings.clockFile ? new FileClock(settings.clockFile) : systemClock),
    },
    { provide: API_KEY_DIGESTS, inject: [schedulerConfig.KEY], useFactory: (settings: SchedulerSettings) => settings.officeApiKeySha256 },
    { provide: API_KEY_OWNER, useValue: 'office' },
    ApiKeyGuard,
    { provide: ApiKeyLookup, useExisting: ApiKeyRepository },
    deadlineRulesProvider,
    CalendarService,
    CalendarUploadService,
    ObligationReconciler,
    DeadlineSweeper,
    schedulerQueueDriver,
    alertRelayProvider,
    schedulerReconcilerProvider,
    OperationsAlarms,
    SchedulerConsumers,
    AlertChannels,
    OverdueObligationsCollector,
  ],
})
export class SchedulerModule implements BeforeApplicationShutdown {
  constructor(@Inject(QUEUE_DRIVER) private readonly driver: QueueDriver) {}

  /**
   * After the module's loops stopped (Nest calls a module's providers before the module class) and
   * before the database closes: the workers finish the jobs they hold.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}
