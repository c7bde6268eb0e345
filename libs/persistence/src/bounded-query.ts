import type { Db } from './db.js';
import type { PrismaService } from './prisma.service.js';

/** A scrape-time query may take this long in PostgreSQL before it is cancelled. */
export const SCRAPE_STATEMENT_TIMEOUT_MS = 2_000;

/**
 * Runs one read in its own transaction with a statement timeout, so a scrape can never hold a
 * connection of the pool (or a lock) for long, whatever the size of the tables.
 */
export async function boundedRead<T>(prisma: PrismaService, query: (db: Db) => Promise<T>): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('statement_timeout', ${String(SCRAPE_STATEMENT_TIMEOUT_MS)}, true)`;
      return query(tx);
    },
    { timeout: SCRAPE_STATEMENT_TIMEOUT_MS + 1_000 },
  );
}
