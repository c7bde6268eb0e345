import { Redis } from 'ioredis';

/**
 * BullMQ 6 under native ESM cannot load ioredis itself from connection options; it needs a
 * constructed client. `maxRetriesPerRequest: null` is what BullMQ requires of worker connections.
 */
export function createRedisConnection(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}
