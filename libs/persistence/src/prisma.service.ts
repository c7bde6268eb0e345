import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export const DATABASE_URL = Symbol('DATABASE_URL');

/**
 * The connection string with every session in UTC. The pg driver adapter sends a Date as zone-less
 * UTC text ("2026-01-01 00:00:00"), which PostgreSQL reads in the session's TimeZone: on a server
 * set to Asia/Shanghai (postgresql.conf, or ALTER DATABASE … SET timezone — likely in a Chinese
 * deployment) every timestamp the bus writes would be stored 8 hours early, due times compared
 * with now() 8 hours off and Beijing dates in the evaluation a day off near midnight. Options
 * already in the URL are kept.
 */
export function utcSessionUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', [url.searchParams.get('options'), '-c TimeZone=UTC'].filter(Boolean).join(' '));
  return url.toString();
}

/** Prisma 7 through the pg driver adapter: no Rust query engine, nothing to download. */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_URL) databaseUrl: string) {
    super({ adapter: new PrismaPg({ connectionString: utcSessionUrl(databaseUrl) }) });
  }

  /**
   * The last thing an app closes. Nest runs every onModuleDestroy, then every
   * beforeApplicationShutdown (the loops and the queue workers stop there, finishing the jobs they
   * hold), then closes the HTTP server, then runs onApplicationShutdown: disconnecting any earlier
   * failed the jobs and requests still in flight at SIGTERM, and their queries reopened a pool
   * that nothing closed (the app then outlived its SIGTERM).
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
