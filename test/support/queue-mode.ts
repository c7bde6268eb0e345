import { execFileSync } from 'node:child_process';
import { createPostgresBackend, Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** The run's queue backend: scripts/test.mjs runs the e2e suite on Redis and again on PostgreSQL. */
export const QUEUE_BACKEND: 'redis' | 'postgres' = process.env.QUEUE_BACKEND === 'postgres' ? 'postgres' : 'redis';
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const HAS_REDIS_SERVER = hasBinary('redis-server');

/** The env a test about Redis itself gives its processes: its private redis-server, whatever the run's backend. */
export const ON_REDIS = { QUEUE_BACKEND: 'redis' } as const;

/**
 * Tests about Redis itself (killed, restarted, evicting, clustered) run where they mean something:
 * on the Redis backend, on a machine with a redis-server binary. Elsewhere one line says why not.
 */
export function describeOnRedisServer(title: string, body: () => void): void {
  const why = !HAS_REDIS_SERVER
    ? 'no redis-server binary on this machine'
    : process.env.REDIS_TESTS_IN_OTHER_PASS === '1'
      ? 'it runs in the Redis pass'
      : null;
  if (why) {
    console.log(`not run: "${title}" (${why})`);
    describe.skip(title, body);
    return;
  }
  describe(title, body);
}

/** A test's own look at one queue of a bus, on the run's backend (the bus's database in postgres mode). */
export function openQueue(name: string, queuePrefix: string, databaseUrl: string): { queue: Queue; close: () => Promise<void> } {
  if (QUEUE_BACKEND === 'postgres') {
    const queue = new Queue(name, { connection: { connectionString: databaseUrl, max: 2, migrate: true } }, createPostgresBackend) as unknown as Queue;
    return { queue, close: () => queue.close() };
  }
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { prefix: queuePrefix, connection });
  return {
    queue,
    close: async () => {
      await queue.close();
      connection.disconnect();
    },
  };
}
