import { HttpStatus, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { schedulerConfig, type SchedulerSettings } from '#config';
import { OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE } from '#contracts';
import { createValidationPipe, ProblemFilter } from '#http';
import { useObservability } from '#observability';
import { bootQueueBackend, connectBusConsumers } from '#bus';
import { InvalidCalendarUploadError } from './calendar/calendar.service.js';
import { SchedulerModule } from './scheduler.module.js';

/** Starts the scheduler: the office's HTTP API, and consumers of step events and office alerts. */
export async function bootstrapScheduler(): Promise<NestExpressApplication> {
  await bootQueueBackend(schedulerConfig, 'scheduler'); // Redis or PostgreSQL, before any Queue or Worker is made
  const app = await NestFactory.create<NestExpressApplication>(SchedulerModule, { bodyParser: false, bufferLogs: true });
  useObservability(app); // JSON logs through pino, HTTP latency
  const settings = app.get<SchedulerSettings>(schedulerConfig.KEY);
  app.useBodyParser('json', { limit: 262_144 });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter([[InvalidCalendarUploadError, HttpStatus.BAD_REQUEST]]));
  app.enableShutdownHooks();

  connectBusConsumers(app, settings, 'scheduler', [SCHEDULER_QUEUE, OFFICE_ALERTS_QUEUE]);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Judicial ↔ social assistance bus — scheduler and joint-meeting office API')
      .setDescription('Deadlines on the statutory working-day calendar (第十九条–第二十一条) and escalations to the joint-meeting office (第二十二条).')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  await app.startAllMicroservices();
  await app.listen(settings.port, settings.host);
  new Logger('Scheduler').log(`scheduler listening on http://${settings.host}:${settings.port}`);
  return app;
}
