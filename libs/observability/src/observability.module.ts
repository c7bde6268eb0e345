import { type DynamicModule, Inject, type InjectionToken, Module, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { Cluster, Redis } from 'ioredis';
import { createQueueConnection, QUEUE_WRITE_MONITOR, queueBackendKind, type QueueConnection, QueueWriteMonitor } from '#bus';
import { HealthController } from './health/health.controller.js';
import { PostgresHealthIndicator } from './health/postgres.health.js';
import { PostgresQueuesHealthIndicator } from './health/postgres-queues.health.js';
import { QueueWritesHealthIndicator } from './health/queue-writes.health.js';
import { RedisHealthIndicator } from './health/redis.health.js';
import { RedisPolicyWatch } from './health/redis-policy.watch.js';
import { loggerParams } from './logging/logger-params.js';
import { BusMetrics } from './metrics/bus-metrics.service.js';
import { HandoffMetricsCollector } from './metrics/handoff-metrics.collector.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { QueueMetricsCollector } from './metrics/queue-metrics.collector.js';
import { QueueWritesCollector } from './metrics/queue-writes.collector.js';
import { OBSERVABILITY_OPTIONS, OBSERVABILITY_REDIS, type ObservabilityOptions } from './observability.options.js';
import { ObservationSource } from './observation-source.js';

export interface ObservabilityModuleOptions {
  /** the app's store of the health and metrics reads (persistence's ObservationQueries) */
  observations: Type<ObservationSource>;
  inject?: InjectionToken[];
  useFactory: (...deps: never[]) => ObservabilityOptions;
}

/**
 * Metrics (GET /metrics), health (GET /health/live, /health/ready) and JSON logs for one app of
 * the bus. Global, so an app's services can count what they do through BusMetrics. Needs the
 * app's store of observation reads (`observations`); bootstrap calls useObservability(app) after create.
 */
@Module({})
export class ObservabilityModule implements OnApplicationShutdown {
  constructor(@Inject(OBSERVABILITY_REDIS) private readonly redis: QueueConnection | null) {}

  /** After the collectors closed their queues (onModuleDestroy). */
  async onApplicationShutdown(): Promise<void> {
    if (this.redis && 'quit' in this.redis) await this.redis.quit().catch(() => undefined);
  }

  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const inject = options.inject ?? [];
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRootAsync({
          inject,
          useFactory: (...deps: unknown[]) => {
            const { app, agency, logLevel, sharedBy } = options.useFactory(...(deps as never[]));
            return loggerParams({ app, agency, level: logLevel, sharedBy });
          },
        }),
        TerminusModule.forRoot(),
      ],
      controllers: [MetricsController, HealthController],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, inject, useFactory: options.useFactory },
        { provide: ObservationSource, useExisting: options.observations },
        {
          provide: OBSERVABILITY_REDIS,
          inject: [OBSERVABILITY_OPTIONS],
          useFactory: (settings: ObservabilityOptions) => {
            // QUEUE_BACKEND=postgres: no Redis at all; the collectors read BullMQ's tables.
            if (queueBackendKind() === 'postgres') return null;
            const connection = createQueueConnection(settings.redisUrl, 'observability') as Redis | Cluster;
            // Redis being away is what /health/ready and bus_metrics_collector_up report; without a
            // listener ioredis would print each failed reconnection to stderr, outside the JSON logs.
            connection.on('error', () => undefined);
            return connection;
          },
        },
        // The process's one monitor: its queue driver reports every write to it (apps inject it there).
        { provide: QUEUE_WRITE_MONITOR, useFactory: () => new QueueWriteMonitor() },
        BusMetrics,
        QueueMetricsCollector,
        QueueWritesCollector,
        QueueWritesHealthIndicator,
        HandoffMetricsCollector,
        PostgresHealthIndicator,
        RedisHealthIndicator,
        PostgresQueuesHealthIndicator,
        RedisPolicyWatch,
      ],
      exports: [BusMetrics, QUEUE_WRITE_MONITOR, ObservationSource],
    };
  }
}
