import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { asBullMqConnection, logConnectionErrors, postgresQueuePool } from '#bus';
import { OBSERVABILITY_OPTIONS, OBSERVABILITY_REDIS, type ObservabilityOptions } from '../observability.options.js';
import { BusMetrics, type ScrapeCollector } from './bus-metrics.service.js';
import { type JobCounts, nextPriorityBand, oldestAgeSeconds, queueDepth } from './queue-figures.js';

/** A queue has at most this many priority bands worth looking into (the bus uses three: urgent, green-channel, normal). */
const MAX_PRIORITY_BANDS = 8;

interface QueueFigures {
  queue: string;
  counts: JobCounts;
  oldestAgeSeconds: number;
}

/**
 * Depth and oldest waiting age of the process's queues, read from Redis when Prometheus scrapes:
 * one getJobCounts() per queue and a few O(log n) reads for the oldest waiting job, never a scan.
 */
@Injectable()
export class QueueMetricsCollector implements ScrapeCollector, OnModuleInit, OnModuleDestroy {
  readonly name = 'queues';
  private readonly queues = new Map<string, Queue>();
  private readonly jobs;
  private readonly depth;
  private readonly oldestAge;

  constructor(
    private readonly metrics: BusMetrics,
    @Inject(OBSERVABILITY_REDIS) private readonly redis: Redis | Cluster | null,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {
    this.jobs = metrics.gauge({ name: 'bus_queue_jobs', help: 'Jobs in a BullMQ queue by state (BullMQ getJobCounts)', labelNames: ['queue', 'state'] });
    this.depth = metrics.gauge({
      name: 'bus_queue_depth',
      help: 'Jobs in a queue not yet completed or failed: waiting, prioritized, delayed, active, paused, waiting-children',
      labelNames: ['queue'],
    });
    this.oldestAge = metrics.gauge({
      name: 'bus_queue_oldest_waiting_age_seconds',
      help: 'Age of the oldest job waiting in a queue (waiting or prioritized), 0 when none waits',
      labelNames: ['queue'],
    });
  }

  onModuleInit(): void {
    if (this.options.queues.length > 0) this.metrics.addCollector(this);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
  }

  async collect(): Promise<void> {
    // ioredis would hold commands until Redis comes back; a scrape must answer now.
    if (this.redis && this.redis.status !== 'ready') throw new Error(`the Redis connection is ${this.redis.status}`);
    const figures = await Promise.all(this.options.queues.map((name) => this.read(name)));
    this.clear();
    for (const { queue, counts, oldestAgeSeconds } of figures) {
      for (const [state, count] of Object.entries(counts)) this.jobs.set({ queue, state }, count);
      this.depth.set({ queue }, queueDepth(counts));
      this.oldestAge.set({ queue }, oldestAgeSeconds);
    }
  }

  clear(): void {
    this.jobs.reset();
    this.depth.reset();
    this.oldestAge.reset();
  }

  private async read(name: string): Promise<QueueFigures> {
    const queue = this.queue(name);
    const [counts, timestamps] = await Promise.all([queue.getJobCounts(), this.oldestWaitingTimestamps(queue)]);
    return { queue: name, counts, oldestAgeSeconds: oldestAgeSeconds(timestamps, Date.now()) };
  }

  /**
   * Creation times (ms, BullMQ's job.timestamp, on the wall clock) of the candidates for the
   * oldest waiting job: the tail of the wait list (BullMQ pushes on the left and takes from the
   * right) and the first job of each priority band of the prioritized set.
   */
  private async oldestWaitingTimestamps(queue: Queue): Promise<(number | null)[]> {
    if (!this.redis) return this.oldestWaitingInPostgres(queue.name);
    const ids: string[] = [];
    const tail = await this.redis.lindex(queue.keys.wait, -1);
    if (tail && !tail.startsWith('0:')) ids.push(tail); // "0:…" is the marker of older BullMQ versions
    let from = '-inf';
    for (let band = 0; band < MAX_PRIORITY_BANDS; band++) {
      const [id, score] = await this.redis.zrangebyscore(queue.keys.prioritized, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
      if (id === undefined) break;
      ids.push(id);
      from = String(nextPriorityBand(Number(score)));
    }
    return Promise.all(
      ids.map(async (id) => {
        const timestamp = await this.redisOrThrow().hget(queue.toKey(id), 'timestamp');
        return timestamp === null ? null : Number(timestamp);
      }),
    );
  }

  /**
   * QUEUE_BACKEND=postgres: one row read from BullMQ's job table (prioritized = waiting with a
   * priority; both served by its partial index on waiting jobs).
   */
  private async oldestWaitingInPostgres(name: string): Promise<(number | null)[]> {
    const { rows } = await this.poolOrThrow().query<{ oldest: string | null }>(
      "SELECT min(added_at_ms)::text AS oldest FROM job WHERE queue = $1 AND state = 'waiting'",
      [name],
    );
    return [rows[0]?.oldest == null ? null : Number(rows[0].oldest)];
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = logConnectionErrors(new Queue(name, { prefix: this.options.queuePrefix, connection: asBullMqConnection(this.redis ?? this.poolOrThrow()) }), `queue ${name}`);
      this.queues.set(name, queue);
    }
    return queue;
  }

  private redisOrThrow() {
    if (!this.redis) throw new Error('no Redis connection in this queue mode');
    return this.redis;
  }

  private poolOrThrow() {
    const pool = postgresQueuePool();
    if (!pool) throw new Error('the PostgreSQL queue backend is not selected');
    return pool;
  }
}
