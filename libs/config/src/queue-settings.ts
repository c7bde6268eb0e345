import type { BusProcessEnv } from './bus-process-env.dto.js';
import type { QueueBackendKind } from './queue-backend-kind.js';

/** What every process needs to open the bus's queues (libs/bus `selectQueueBackend`). */
export interface QueueSettings {
  queueBackend: QueueBackendKind;
  /** one redis:// URL, or several comma-separated: the seed nodes of a Redis Cluster; '' in postgres mode */
  redisUrl: string;
  databaseUrl: string;
  queuePrefix: string;
  /** "now" read from this file (tests and drills); null: the system clock */
  clockFile: string | null;
  reconcileIntervalMs: number;
  reconcileGraceMs: number;
  queueRefusalAlertMs: number;
}

/** A queue's retries (libs/bus RetryPolicy): bounded by a time window, backoff doubling up to a cap. */
export interface RetrySettings {
  windowMs: number;
  backoffMs: number;
  maxBackoffMs: number;
}

/**
 * QUEUE_BACKEND when set; otherwise Redis when REDIS_URL is set, PostgreSQL when it is not (the
 * scripts set both explicitly after looking for a running Redis).
 */
export function queueSettingsFrom(raw: BusProcessEnv): QueueSettings {
  const queueBackend = raw.QUEUE_BACKEND ?? (raw.REDIS_URL ? 'redis' : 'postgres');
  return {
    queueBackend,
    redisUrl: queueBackend === 'redis' ? (raw.REDIS_URL ?? '') : '', // validated present with redis
    databaseUrl: raw.DATABASE_URL,
    queuePrefix: raw.QUEUE_PREFIX,
    clockFile: raw.CLOCK_FILE ?? null,
    reconcileIntervalMs: raw.RECONCILE_INTERVAL_MS,
    reconcileGraceMs: raw.RECONCILE_GRACE_MS,
    queueRefusalAlertMs: raw.QUEUE_REFUSAL_ALERT_MS,
  };
}
