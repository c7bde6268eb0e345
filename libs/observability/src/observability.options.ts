import type { UnitCode } from '#contracts';
import type { LogLevel } from '#config';

/** What one process tells ObservabilityModule about itself; each app builds it from its own settings. */
export interface ObservabilityOptions {
  /** the `app` label of every metric and field of every log line: adapter, scheduler, console */
  app: string;
  /** the unit an adapter serves: the `agency` label and log field (absent for apps that serve the office) */
  agency?: UnitCode;
  logLevel: LogLevel;
  redisUrl: string;
  /** BullMQ key prefix of the bus (QUEUE_PREFIX) */
  queuePrefix: string;
  /** queues whose depth and oldest waiting age this process reports, read from Redis at scrape time */
  queues: readonly string[];
  /** whose handoffs `bus_handoffs` counts: one unit's (sent or received), every handoff, or none */
  handoffs: { agency: UnitCode } | 'all' | null;
  /** /health/ready is down once the queue layer has refused writes this long (QUEUE_REFUSAL_ALERT_MS) */
  queueRefusalAlertMs: number;
  /**
   * Every unit whose adapter shares this process (ADAPTER_UNITS), with its port; absent for a
   * process of one app. The process has one log stream, so its lines then name the units, and a
   * request's line the unit whose port answered.
   */
  sharedBy?: readonly { agency: UnitCode; port: number }[];
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
/** The ioredis connection of health checks and queue figures (never a worker's); null with QUEUE_BACKEND=postgres. */
export const OBSERVABILITY_REDIS = Symbol('OBSERVABILITY_REDIS');
