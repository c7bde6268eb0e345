import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { type SchemaObject, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { PostgresHealthIndicator } from './postgres.health.js';
import { queueBackendKind } from '#bus';
import { PostgresQueuesHealthIndicator } from './postgres-queues.health.js';
import { QueueWritesHealthIndicator } from './queue-writes.health.js';
import { RedisHealthIndicator } from './redis.health.js';

/**
 * GET /health/live: the process answers. GET /health/ready: it can do its work, PostgreSQL and
 * the queues' store (Redis, or BullMQ's tables in PostgreSQL) both answer; 503 with terminus' report when one does not. No API key (orchestrators call them).
 */
/** terminus' report */
const HEALTH_REPORT: SchemaObject = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    info: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } } } },
    error: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } } } },
    details: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] } } } },
  },
};

@ApiTags('observability')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly postgresQueues: PostgresQueuesHealthIndicator,
    private readonly queueWrites: QueueWritesHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process answers (no API key)', security: [] })
  @ApiOkResponse({ description: 'alive', content: { 'application/json': { schema: HEALTH_REPORT, example: { status: 'ok', info: {}, error: {}, details: {} } } } })
  live() {
    return this.health.check([]);
  }

  // The report is sent as terminus makes it: the apps' ProblemFilter would reduce a 503 to a message.
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when PostgreSQL and Redis both answer and the queues take writes, else 503 naming what is down (no API key)', security: [] })
  @ApiOkResponse({ description: 'ready', content: { 'application/json': { schema: HEALTH_REPORT, example: { status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } }, error: {}, details: { postgres: { status: 'up' }, redis: { status: 'up' } } } } } })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL or Redis does not answer (terminus’ report, not a problem JSON)', content: { 'application/json': { schema: HEALTH_REPORT, example: { status: 'error', info: { postgres: { status: 'up' } }, error: { redis: { status: 'down' } }, details: { postgres: { status: 'up' }, redis: { status: 'down' } } } } } })
  async ready(@Res() res: Response): Promise<void> {
    try {
      // The queues' store: Redis, or BullMQ's tables with QUEUE_BACKEND=postgres.
      const queues = queueBackendKind() === 'redis' ? () => this.redis.isHealthy('redis') : () => this.postgresQueues.isHealthy('queues');
      res.status(200).json(await this.health.check([() => this.postgres.isHealthy('postgres'), queues, () => this.queueWrites.isHealthy('queue-writes')]));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503).json(error.getResponse());
    }
  }
}
