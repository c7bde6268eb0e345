import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CLOCK, FileClock, schedulerConfig, type SchedulerSettings, systemClock } from '#config';
import { API_KEY_DIGESTS, API_KEY_OWNER, ApiKeyGuard } from '#http';
import { everyBusQueue, ObservabilityModule, OverdueObligationsCollector } from '#observability';
import { PersistenceModule } from '#persistence';
import { AlertChannels } from './alerts/alert-channels.service.js';
import { AlertRelay } from './alerts/alert-relay.service.js';
import { OfficeAlertConsumer } from './alerts/office-alert.consumer.js';
import { CalendarController } from './api/calendar.controller.js';
import { EscalationsController } from './api/escalations.controller.js';
import { ObligationsController } from './api/obligations.controller.js';
import { RosterController } from './api/roster.controller.js';
import { CalendarService } from './calendar/calendar.service.js';
import { CalendarUploadService } from './calendar/calendar-upload.service.js';
import { deadlineRulesProvider } from './obligations/deadline-rules.provider.js';
import { ObligationReconciler } from './obligations/obligation-reconciler.service.js';
import { StepEventConsumer } from './obligations/step-event.consumer.js';
import { DeadlineSweeper } from './sweep/deadline-sweeper.service.js';

/** The scheduler: keeps every handoff's clocks and escalates what is overdue (第十九条–第二十二条). */
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [schedulerConfig] }),
    PersistenceModule.forRoot({ inject: [schedulerConfig.KEY], databaseUrl: (settings: SchedulerSettings) => settings.databaseUrl }),
    ObservabilityModule.forRoot({
      inject: [schedulerConfig.KEY],
      useFactory: (settings: SchedulerSettings) => ({
        app: 'scheduler',
        logLevel: settings.logLevel,
        redisUrl: settings.redisUrl,
        queuePrefix: settings.queuePrefix,
        queues: everyBusQueue(),
        handoffs: 'all',
      }),
    }),
  ],
  controllers: [StepEventConsumer, OfficeAlertConsumer, EscalationsController, CalendarController, RosterController, ObligationsController],
  providers: [
    {
      provide: CLOCK,
      inject: [schedulerConfig.KEY],
      useFactory: (settings: SchedulerSettings) => (settings.clockFile ? new FileClock(settings.clockFile) : systemClock),
    },
    { provide: API_KEY_DIGESTS, inject: [schedulerConfig.KEY], useFactory: (settings: SchedulerSettings) => settings.officeApiKeySha256 },
    { provide: API_KEY_OWNER, useValue: 'office' },
    ApiKeyGuard,
    deadlineRulesProvider,
    CalendarService,
    CalendarUploadService,
    ObligationReconciler,
    DeadlineSweeper,
    AlertRelay,
    AlertChannels,
    OverdueObligationsCollector,
  ],
})
export class SchedulerModule {}
