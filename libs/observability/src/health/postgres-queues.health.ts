import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { postgresQueuePool } from '#bus';

/** QUEUE_BACKEND=postgres: BullMQ's job table answers through the queues' own pool. */
@Injectable()
export class PostgresQueuesHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  isHealthy<const Key extends string>(key: Key, timeoutMs = 2_000) {
    return this.health
      .check(key)
      .attempt(async () => {
        const pool = postgresQueuePool();
        if (!pool) throw new Error('the PostgreSQL queue backend is not selected');
        await pool.query('SELECT 1 FROM job LIMIT 1');
      })
      .withTimeout(timeoutMs);
  }
}
