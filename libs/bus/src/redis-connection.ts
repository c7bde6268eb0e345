import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';

const logger = new Logger('Redis');

/** Anything that emits 'error': an ioredis client, a BullMQ Queue or Worker. */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}
const QUIET_MS = 10_000;

/**
 * Sends a client's connection errors through the JSON logger, one line per connection at most every
 * ten seconds. Without a listener ioredis prints a multi-line "Unhandled error event" trace to
 * stderr, outside the log, on every reconnection attempt.
 */
export function logConnectionErrors<T extends ErrorEmitter>(client: T, name: string): T {
  let lastAt = 0;
  let suppressed = 0;
  client.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastAt < QUIET_MS) {
      suppressed += 1;
      return;
    }
    logger.warn(`${name}: ${error.message}${suppressed > 0 ? ` (${suppressed} more since the last report)` : ''}`);
    lastAt = now;
    suppressed = 0;
  });
  return client;
}

/**
 * BullMQ 6 under native ESM cannot load ioredis itself from connection options; it needs a
 * constructed client. `maxRetriesPerRequest: null` is what BullMQ requires of worker connections.
 */
export function createRedisConnection(url: string, name: string): Redis {
  return logConnectionErrors(new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false }), name);
}
