import { JointMeetingPagesController } from './meetings/joint-meeting-pages.controller.js';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { CLOCK, consoleConfig, type ConsoleSettings, systemClock } from '#config';
import { HttpDrain } from '#http';
import { ObservabilityModule } from '#observability';
import { ObservationQueries, PersistenceModule } from '#persistence';
import { CsrfGuard } from './auth/csrf.js';
import { LoginController } from './auth/login.controller.js';
import { RolesGuard } from './auth/roles.guard.js';
import { SessionMiddleware } from './auth/session.middleware.js';
import { SessionService } from './auth/session.service.js';
import { BoardCalendar } from './board/board-calendar.js';
import { BoardController } from './board/board.controller.js';
import { EscalationInboxController } from './board/escalation-inbox.controller.js';
import { TimelinessController } from './board/timeliness.controller.js';
import { EvaluationPageController } from './board/evaluation.controller.js';
import { LedgerPagesController } from './board/ledger-pages.controller.js';
import { PdfPrinter } from './report/pdf-printer.js';
import { ReportController } from './report/report.controller.js';
import { queueAccess } from './queues/queue-access.js';
import { QueueBoard } from './queues/queue-board.js';
import { RootController } from './root.controller.js';

/** Bull Board's own Express app, without the X-Powered-By header it would add to every answer. */
class QuietExpressAdapter extends ExpressAdapter {
  constructor() {
    super();
    (this.getRouter() as { disable(setting: string): void }).disable('x-powered-by');
  }
}

/** The operators' and the office's web console. */
@Module({
  imports: [
    ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [consoleConfig] }),
    PersistenceModule.forRoot({ inject: [consoleConfig.KEY], databaseUrl: (settings: ConsoleSettings) => settings.databaseUrl }),
    ObservabilityModule.forRoot({
      observations: ObservationQueries,
      inject: [consoleConfig.KEY],
      // HTTP and process figures; the queue and handoff figures are the scheduler's and the adapters'.
      useFactory: (settings: ConsoleSettings) => ({
        app: 'console',
        logLevel: settings.logLevel,
        redisUrl: settings.redisUrl,
        queuePrefix: settings.queuePrefix,
        queues: [],
        handoffs: null,
        queueRefusalAlertMs: settings.queueRefusalAlertMs,
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [consoleConfig.KEY],
      useFactory: (settings: ConsoleSettings) => [{ name: 'login', ttl: 60_000, limit: settings.loginAttemptsPerMinute }],
    }),
    // queueAccess runs with Bull Board's router, for exactly the requests it answers: operators only.
    BullBoardModule.forRoot({ route: '/queues', middleware: queueAccess, adapter: QuietExpressAdapter, boardOptions: { uiConfig: { boardTitle: '消息队列' } } }),
  ],
  controllers: [RootController, LoginController, BoardController, TimelinessController, EvaluationPageController, LedgerPagesController, ReportController, EscalationInboxController, JointMeetingPagesController],
  providers: [
    // Keep-alive clients do not hold the app past its SIGTERM (libs/http).
    HttpDrain,
    PdfPrinter,
    { provide: CLOCK, useValue: systemClock },
    // Every POST to the console's own routes carries its form's token (auth/csrf.ts).
    { provide: APP_GUARD, useClass: CsrfGuard },
    SessionService, SessionMiddleware, RolesGuard, BoardCalendar, QueueBoard],
})
export class ConsoleModule {}
