import { HttpStatus, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { schedulerConfig, type SchedulerSettings } from '#config';
import { createValidationPipe, ProblemFilter, useJsonBodies } from '#http';
import { useObservability } from '#observability';
import { bootQueueBackend } from '#bus';
import { assertDatabaseUrlLogin, DatabaseLoginCheck, SCHEDULER_DATABASE_LOGIN } from '#persistence';
import { InvalidCalendarUploadError } from './calendar/calendar.service.js';
import { MeetingInFutureError } from '#joint-meeting';
import { SchedulerModule } from './scheduler.module.js';
import { serveOpenApi } from './openapi.js';

/** Starts the scheduler: the office's HTTP API, and consumers of step events and office alerts. */
export async function bootstrapScheduler(): Promise<NestExpressApplication> {
  // Redis or PostgreSQL, before any Queue or Worker is made; the scheduler's login is checked before anything connects with it.
  await bootQueueBackend(schedulerConfig, 'scheduler', (settings) => assertDatabaseUrlLogin(settings.databaseUrl, SCHEDULER_DATABASE_LOGIN));
  const app = await NestFactory.create<NestExpressApplication>(SchedulerModule, { bodyParser: false, bufferLogs: true });
  useObservability(app); // JSON logs through pino, HTTP latency
  const settings = app.get<SchedulerSettings>(schedulerConfig.KEY);
  useJsonBodies(app, 262_144); // JSON only (else 415), larger bodies 413
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter([[InvalidCalendarUploadError, HttpStatus.BAD_REQUEST], [MeetingInFutureError, HttpStatus.BAD_REQUEST]]));
  app.enableShutdownHooks();

  serveOpenApi(app);
  // Boot stops unless the scheduler runs under its own login, not the tables' owner (第二十四条).
  await app.get(DatabaseLoginCheck).verify(SCHEDULER_DATABASE_LOGIN);
  await app.listen(settings.port, settings.host);
  new Logger('Scheduler').log(`scheduler listening on http://${settings.host}:${settings.port}`);
  return app;
}
