import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Cluster, Redis } from 'ioredis';
import { OBSERVABILITY_REDIS } from '../observability.options.js';

/** PING over the process's own connection; a connection that is not ready is down at once. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(OBSERVABILITY_REDIS) private readonly redis: Redis | Cluster | null,
  ) {}

  isHealthy<const Key extends string>(key: Key, timeoutMs = 2_000) {
    return this.health
      .check(key)
      .attempt(async () => {
        // The bus's connections queue commands while Redis is away (maxRetriesPerRequest: null); a
        // health check must not wait for it to come back.
        if (!this.redis) throw new Error('no Redis in this mode (QUEUE_BACKEND=postgres)');
        if (this.redis.status !== 'ready') throw new Error(`the Redis connection is ${this.redis.status}`);
        // ioredis types the answer as 'PONG'; what came over the wire is what the check is for.
        const answer: string = await this.redis.ping();
        if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
      })
      .withTimeout(timeoutMs);
  }
}
