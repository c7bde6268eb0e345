import type { INestApplication, NestInterceptor } from '@nestjs/common';
import { type MicroserviceOptions, NestMicroservice } from '@nestjs/microservices';
import { QueueErrorsRethrown } from './queue-errors-rethrown.filter.js';
import type { QueueTransport } from './queue-transport.js';

/**
 * Connects the queue transport to an initialised application and starts consuming: the same steps
 * for an adapter, the scheduler, each app of a shared process and the medium tests. Rejects (and
 * boot stops) when a queue's job name has no handler or two.
 *
 * The microservice's own enhancers (the filter that rethrows, the job interceptors) must be set
 * before its handlers are made, so its initialisation is deferred; the application's lifecycle hooks
 * have run already (app.init) and must not run a second time for it.
 */
export async function startQueueTransport(app: INestApplication, transport: QueueTransport, interceptors: readonly NestInterceptor[]): Promise<void> {
  const microservice = app.connectMicroservice<MicroserviceOptions>({ strategy: transport }, { deferInitialization: true });
  microservice.useGlobalFilters(new QueueErrorsRethrown());
  microservice.useGlobalInterceptors(...interceptors);
  if (microservice instanceof NestMicroservice) microservice.setIsInitHookCalled(true);
  await app.startAllMicroservices();
}
