import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { PrismaService } from '#persistence';

/**
 * `SELECT 1` through the app's PrismaService. Terminus' PrismaHealthIndicator first tries
 * `$runCommandRaw` (MongoDB), which a Prisma 7 client generated for PostgreSQL does not have,
 * so it would report the database down for ever.
 */
@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly prisma: PrismaService,
  ) {}

  isHealthy<const Key extends string>(key: Key, timeoutMs = 2_000) {
    return this.health
      .check(key)
      .attempt(async () => {
        await this.prisma.$queryRaw`SELECT 1`;
      })
      .withTimeout(timeoutMs);
  }
}
