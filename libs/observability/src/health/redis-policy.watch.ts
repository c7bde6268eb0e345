import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { findEvictingRedis, QUEUE_WRITE_MONITOR, queueBackendKind, type QueueWriteMonitor } from '#bus';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options.js';

/** How often a running process asks Redis for its maxmemory-policy. */
export const REDIS_POLICY_CHECK_MS = 5_000;

/**
 * The boot's check that Redis keeps its keys (noeviction), repeated while the process runs: the
 * policy can be changed with CONFIG SET at any time, and an evicted job is a lost message, an
 * evicted lock a doubled one. While Redis may evict, the process's QueueWriteMonitor says so: its
 * workers stop taking jobs and its publishes are refused (the outbox keeps the messages), readiness
 * is down, the metric bus_redis_evicting is 1 and the scheduler alerts the office; all resume when
 * the policy is noeviction again, and the reconcilers queue again whatever was lost meanwhile.
 */
@Injectable()
export class RedisPolicyWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RedisPolicyWatch.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(QUEUE_WRITE_MONITOR) private readonly monitor: QueueWriteMonitor,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (queueBackendKind() !== 'redis') return;
    this.timer = setInterval(() => void this.checkOnce(), REDIS_POLICY_CHECK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One check (one at a time); a Redis that does not answer changes nothing: readiness reports it. */
  checkOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        const evicting = await findEvictingRedis(this.options.redisUrl);
        if (evicting && !this.monitor.evicting) this.logger.error(`${evicting}; this process refuses work until it is noeviction again`);
        if (!evicting && this.monitor.evicting) this.logger.warn('Redis keeps its keys again (maxmemory-policy noeviction): work resumes');
        this.monitor.setEvicting(evicting);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
