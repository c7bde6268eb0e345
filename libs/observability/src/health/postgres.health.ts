import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ObservationSource } from '../observation-source.js';

/**
 * `SELECT 1` through the app's database pool (Terminus' PrismaHealthIndicator cannot check a
 * Prisma 7 PostgreSQL client: it tries MongoDB's `$runCommandRaw` first).
 */
@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly queries: ObservationSource,
  ) {}

  isHealthy<const Key extends string>(key: Key, timeoutMs = 2_000) {
    return this.health
      .check(key)
      .attempt(async () => {
        await this.queries.ping();
      })
      .withTimeout(timeoutMs);
  }
}
