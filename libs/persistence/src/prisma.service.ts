import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export const DATABASE_URL = Symbol('DATABASE_URL');

/** Prisma 7 through the pg driver adapter: no Rust query engine, nothing to download. */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_URL) databaseUrl: string) {
    super({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
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
