import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, type GaugeConfiguration, Histogram, Registry } from 'prom-client';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options.js';

/** Something read at scrape time (Redis, PostgreSQL) into gauges. */
export interface ScrapeCollector {
  /** the `collector` label of bus_metrics_collector_up */
  readonly name: string;
  /** reads its source and sets its gauges (all at once, after every read is done) */
  collect(): Promise<void>;
  /** empties its gauges: a figure that could not be read is absent, not stale */
  clear(): void;
}

/** Where a message left the bus for someone's system: a unit's webhook, the office's webhook, e-mail. */
export type DeliveryChannel = 'unit-webhook' | 'office-webhook' | 'email';
export type DeliveryOutcome = 'delivered' | 'failed';
/** How a queue job's attempt ended: done, a duplicate skipped, or thrown (retried or dead-lettered, as the driver decides). */
export type JobOutcome = 'processed' | 'duplicate' | 'failed';

/** A scrape waits this long for one collector; Prometheus' own scrape timeout is 10 s by default. */
const COLLECT_TIMEOUT_MS = 3_000;

/**
 * The process's Prometheus registry: prom-client's default process metrics, every series labelled
 * with `app` (and `agency` for an adapter), HTTP latency, delivery attempts, and the gauges that
 * collectors fill at scrape time.
 */
@Injectable()
export class BusMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  private readonly deliveryAttempts: Counter<'channel' | 'outcome'>;
  private readonly jobDuration: Histogram<'queue' | 'outcome'>;
  private readonly collectorUp: Gauge<'collector'>;
  private readonly sweepPasses: Counter;
  private readonly reconcilerRequeued: Counter<'source'>;
  private readonly reconcilerPasses: Counter;
  private readonly collectors: ScrapeCollector[] = [];
  private readonly logger = new Logger(BusMetrics.name);

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions) {
    this.registry.setDefaultLabels({ app: options.app, ...(options.agency ? { agency: options.agency } : {}) });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status, and how long they took',
      labelNames: ['method', 'route', 'status_code'],
      registers: [this.registry],
    });
    this.deliveryAttempts = new Counter({
      name: 'bus_delivery_attempts_total',
      help: 'Attempts to deliver to a unit system (webhook) or to the office (webhook, e-mail), by outcome',
      labelNames: ['channel', 'outcome'],
      registers: [this.registry],
    });
    this.jobDuration = new Histogram({
      name: 'bus_job_duration_seconds',
      help: 'Attempts at queue jobs by queue kind (inbox, delivery, scheduler, alerts) and outcome, and how long each took',
      labelNames: ['queue', 'outcome'],
      // A message written alone takes a few ms; one waiting out a batch's commit, or a webhook, far longer.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.sweepPasses = new Counter({
      name: 'bus_sweep_passes_total',
      help: 'Passes of the scheduler\'s deadline sweep completed (a stalled sweep stops this counter)',
      registers: [this.registry],
    });
    this.reconcilerRequeued = new Counter({
      name: 'bus_reconciler_requeued_total',
      help: 'Rows the reconciler found with no live job and queued again, by source (outbox, deliveries, alerts); anything above 0 means a queue lost work',
      labelNames: ['source'],
      registers: [this.registry],
    });
    this.reconcilerPasses = new Counter({
      name: 'bus_reconciler_passes_total',
      help: 'Passes of the reconciler completed',
      registers: [this.registry],
    });
    this.collectorUp = this.gauge({
      name: 'bus_metrics_collector_up',
      help: '1 when the last scrape read this source (queues from Redis, figures from PostgreSQL), 0 when it failed',
      labelNames: ['collector'],
    });
  }

  /** A gauge in this process's registry. */
  gauge<T extends string>(configuration: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    return new Gauge({ ...configuration, registers: [this.registry] });
  }

  /** Declares a channel this process delivers through, so its series exist (at 0) before the first attempt. */
  declareDeliveryChannel(channel: DeliveryChannel): void {
    for (const outcome of ['delivered', 'failed'] as const) this.deliveryAttempts.inc({ channel, outcome }, 0);
  }

  deliveryAttempt(channel: DeliveryChannel, outcome: DeliveryOutcome): void {
    this.deliveryAttempts.inc({ channel, outcome });
  }

  /** One attempt at a job of a queue of kind `queue` ended so, after `seconds`. */
  jobAttempt(queue: string, outcome: JobOutcome, seconds: number): void {
    this.jobDuration.observe({ queue, outcome }, seconds);
  }

  /** The scheduler finished a pass of its sweep (whatever it found due). */
  sweepPass(): void {
    this.sweepPasses.inc();
  }

  /** A reconciler pass ended; `requeued` rows per source were queued again. */
  reconcilerPass(requeued: readonly { source: string; count: number }[]): void {
    this.reconcilerPasses.inc();
    for (const { source, count } of requeued) this.reconcilerRequeued.inc({ source }, count);
  }

  addCollector(collector: ScrapeCollector): void {
    this.collectors.push(collector);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Runs every collector (in parallel, each bounded in time), then renders the Prometheus text format. */
  async render(): Promise<string> {
    await Promise.all(
      this.collectors.map(async (collector) => {
        try {
          await withTimeout(collector.collect(), COLLECT_TIMEOUT_MS, `${collector.name} took over ${COLLECT_TIMEOUT_MS} ms`);
          this.collectorUp.set({ collector: collector.name }, 1);
        } catch (error) {
          collector.clear();
          this.collectorUp.set({ collector: collector.name }, 0);
          this.logger.warn(`metrics collector ${collector.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    return this.registry.metrics();
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
