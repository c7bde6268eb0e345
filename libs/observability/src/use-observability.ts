import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { BusMetrics } from './metrics/bus-metrics.service.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';

/**
 * Call right after NestFactory.create(…, { bufferLogs: true }): Nest's Logger (every
 * `new Logger(X.name)`) then writes through pino, and every request is timed. Plain Express
 * middleware rather than Nest's: it sees requests no route matched, and by the time a response
 * is finished Express has set req.route to the route that answered.
 */
export function useObservability(app: INestApplication): void {
  app.useLogger(app.get(Logger));
  app.use(httpMetricsMiddleware(app.get(BusMetrics).httpDuration));
}
