import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { adapterConfig, type AdapterSettings } from '#config';
import { deliveryQueueName, inboxQueueName } from '#contracts';
import { bootQueueBackend, connectBusConsumers } from '#bus';
import { AdapterModule } from './adapter.module.js';
import { createValidationPipe, ProblemFilter } from '#http';
import { useObservability } from '#observability';
import { ADAPTER_ERROR_STATUSES } from './api/error-statuses.js';
import { serveOpenApi } from './openapi.js';

/** Starts one unit's adapter: HTTP API plus the BullMQ microservice(s) on its inbox (and delivery) queue. */
export async function bootstrapAdapter(): Promise<NestExpressApplication> {
  await bootQueueBackend(adapterConfig, 'adapter'); // Redis or PostgreSQL, before any Queue or Worker is made
  const app = await NestFactory.create<NestExpressApplication>(AdapterModule, { bodyParser: false, bufferLogs: true });
  useObservability(app); // JSON logs through pino, HTTP latency
  const settings = app.get<AdapterSettings>(adapterConfig.KEY);
  // An oversized body is refused with 413 before it is parsed (issue: bad input).
  app.useBodyParser('json', { limit: settings.maxBodyBytes });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter(ADAPTER_ERROR_STATUSES));
  app.enableShutdownHooks();

  const queues = [inboxQueueName(settings.agency), ...(settings.delivery.mode === 'webhook' ? [deliveryQueueName(settings.agency)] : [])];
  connectBusConsumers(app, settings, settings.agency, queues);
  serveOpenApi(app, settings.agency);
  await app.startAllMicroservices();
  await app.listen(settings.port, settings.host);
  new Logger('Adapter').log(`${settings.agency} adapter listening on http://${settings.host}:${settings.port} (delivery: ${settings.delivery.mode})`);
  return app;
}
