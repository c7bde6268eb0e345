/** Where the bus's queues live: BullMQ on Redis (one server or a cluster), or on PostgreSQL. */
export type QueueBackendKind = 'redis' | 'postgres';
export const QUEUE_BACKENDS: readonly QueueBackendKind[] = ['redis', 'postgres'];
