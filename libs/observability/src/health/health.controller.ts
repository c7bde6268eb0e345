import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { PostgresHealthIndicator } from './postgres.health.js';
import { queueBackendKind } from '#bus';
import { PostgresQueuesHealthIndicator } from './postgres-queues.health.js';
import { RedisHealthIndicator } from './redis.health.js';

/**
 * GET /health/live: the process answers. GET /health/ready: it can do its work, PostgreSQL and
 * the queues' store (Redis, or BullMQ's tables in PostgreSQL) both answer; 503 with terminus' report when one does not. No API key (orchestrators call them).
 */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly postgresQueues: PostgresQueuesHealthIndicator,
  ) {}

  @Get('live')
  live() {
    return this.health.check([]);
  }

  // The report is sent as terminus makes it: the apps' ProblemFilter would reduce a 503 to a message.
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    try {
      // The queues' store: Redis, or BullMQ's tables with QUEUE_BACKEND=postgres.
      const queues = queueBackendKind() === 'redis' ? () => this.redis.isHealthy('redis') : () => this.postgresQueues.isHealthy('queues');
      res.status(200).json(await this.health.check([() => this.postgres.isHealthy('postgres'), queues]));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503).json(error.getResponse());
    }
  }
}
