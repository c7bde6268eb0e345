import { HttpStatus, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { schedulerConfig, type SchedulerSettings } from '#config';
import { OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE } from '#contracts';
import { createValidationPipe, ProblemFilter } from '#http';
import { useObservability } from '#observability';
import { connectBusConsumers } from '#bus';
import { InvalidCalendarUploadError } from './calendar/calendar.service.js';
import { SchedulerModule } from './scheduler.module.js';
import { serveOpenApi } from './openapi.js';

/** Starts the scheduler: the office's HTTP API, and consumers of step events and office alerts. */
export async function bootstrapScheduler(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(SchedulerModule, { bodyParser: false, bufferLogs: true });
  useObservability(app); // JSON logs through pino, HTTP latency
  const settings = app.get<SchedulerSettings>(schedulerConfig.KEY);
  app.useBodyParser('json', { limit: 262_144 });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter([[InvalidCalendarUploadError, HttpStatus.BAD_REQUEST]]));
  app.enableShutdownHooks();

  connectBusConsumers(app, settings, 'scheduler', [SCHEDULER_QUEUE, OFFICE_ALERTS_QUEUE]);

  serveOpenApi(app);
  await app.startAllMicroservices();
  await app.listen(settings.port, settings.host);
  new Logger('Scheduler').log(`scheduler listening on http://${settings.host}:${settings.port}`);
  return app;
}
