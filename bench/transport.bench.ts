// What the Nest queue transport costs per job (npm run bench, or alone: `npm run bench -- --only=transport`).
// The same jobs, on the same BullMQ driver and a private redis-server, are handled two ways, one after
// the other in alternating rounds:
//   direct     a handler map given straight to QueueDriver.consume (how the consumers were wired
//              before the transport);
//   transport  the same handler as an @OnQueueJob method behind QueueTransport, with the global filter
//              that rethrows and the QueueJobInterceptor (log line, bus_job_duration_seconds) the
//              adapters and the scheduler run.
// The handler does nothing but note the time, so the difference is the transport's own cost at its
// largest share. Each round measures a burst (jobs/s from the first add to the last handled) and an
// open loop at a fixed rate (latency from publish to handler, p50/p95/p99). The end-to-end bus
// benchmark cannot resolve a few per cent: its own run-to-run spread on one commit is larger.
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { OFFICE_ALERTS_QUEUE, type OfficeAlertJobData, SEND_OFFICE_ALERT } from '../libs/contracts/src/index.js';
import {
  BullMqDriver,
  DEFAULT_ALERT_RETRY,
  DEFAULT_DELIVERY_RETRY,
  DEFAULT_INBOX_RETRY,
  type ConsumeOutcome,
  type OutgoingJob,
  OnQueueJob,
  QueueTransport,
  startQueueTransport,
} from '../libs/bus/src/index.js';
import { BusMetrics, OBSERVABILITY_OPTIONS, QueueJobInterceptor } from '../libs/observability/src/index.js';
import { RedisServer } from '../test/support/redis-server.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 5;
const BURST = quick ? 2_000 : 10_000;
const RATE = 400; // jobs/s in the open loop: a few times the bus's whole rate, far below the driver's
const OPEN_LOOP_S = quick ? 5 : 10;
const CONCURRENCY = 8;
const RETRY = { inbox: DEFAULT_INBOX_RETRY, delivery: DEFAULT_DELIVERY_RETRY, scheduler: DEFAULT_INBOX_RETRY, alerts: DEFAULT_ALERT_RETRY };
const t0 = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`);

/** When each job was published and when its handler ran; one per variant and round. */
class Clock {
  readonly sent = new Map<string, number>();
  readonly handled = new Map<string, number>();
  private waiter?: { count: number; resolve: () => void };

  handle(job: OfficeAlertJobData): Promise<ConsumeOutcome> {
    this.handled.set(job.alertId, performance.now());
    if (this.waiter && this.handled.size >= this.waiter.count) this.waiter.resolve();
    return Promise.resolve('processed');
  }

  until(count: number): Promise<void> {
    if (this.handled.size >= count) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { count, resolve }));
  }
}

let clock = new Clock();

@Controller()
class AlertJobs {
  @OnQueueJob(SEND_OFFICE_ALERT)
  send(@Payload() job: OfficeAlertJobData): Promise<ConsumeOutcome> {
    return clock.handle(job);
  }
}

@Module({
  controllers: [AlertJobs],
  providers: [{ provide: OBSERVABILITY_OPTIONS, useValue: { app: 'bench', logLevel: 'info', redisUrl: '' } }, BusMetrics, QueueJobInterceptor],
})
class TransportBenchModule {}

type Variant = 'direct' | 'transport';
interface Round {
  variant: Variant;
  jobsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

const noDeadLetters = { onDeadLetter: () => Promise.reject(new Error('the benchmark has no dead letters')) };

/** Starts consuming the alerts queue the given way; returns what stops it. */
async function consumer(variant: Variant, driver: BullMqDriver): Promise<() => Promise<void>> {
  if (variant === 'direct') {
    await driver.consume(OFFICE_ALERTS_QUEUE, 'alerts', { [SEND_OFFICE_ALERT]: (job) => clock.handle(job) }, { ...noDeadLetters, concurrency: CONCURRENCY });
    return () => driver.close();
  }
  const app = await NestFactory.create(TransportBenchModule, { logger: false });
  await app.init();
  const transport = new QueueTransport(driver, [{ queue: OFFICE_ALERTS_QUEUE, kind: 'alerts', concurrency: CONCURRENCY }], noDeadLetters);
  await startQueueTransport(app, transport, [app.get(QueueJobInterceptor)]);
  return async () => {
    await driver.close();
    await app.close();
  };
}

function job(id: string): OutgoingJob<typeof SEND_OFFICE_ALERT> {
  return { queue: OFFICE_ALERTS_QUEUE, name: SEND_OFFICE_ALERT, id, data: { alertId: id }, priority: 'normal' };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function round(redisUrl: string, variant: Variant, index: number): Promise<Round> {
  clock = new Clock();
  const publisher = new BullMqDriver({ redisUrl, prefix: `bench-${index}-${variant}`, retry: RETRY });
  const driver = new BullMqDriver({ redisUrl, prefix: `bench-${index}-${variant}`, retry: RETRY });
  const stop = await consumer(variant, driver);
  try {
    // A burst: every job added in batches of 500 while the worker takes them.
    const burstStart = performance.now();
    for (let i = 0; i < BURST; i += 500) {
      await publisher.publishBulk(Array.from({ length: Math.min(500, BURST - i) }, (_, k) => job(`b${i + k}`)));
    }
    await clock.until(BURST);
    const jobsPerSecond = BURST / ((Math.max(...clock.handled.values()) - burstStart) / 1000);

    // The open loop: one job every 1/RATE s, each published alone, as a relay or a client would.
    clock = new Clock();
    const total = RATE * OPEN_LOOP_S;
    const loopStart = performance.now();
    const publishes: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = loopStart + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const id = `o${i}`;
      clock.sent.set(id, performance.now());
      publishes.push(publisher.publish(job(id)));
    }
    await Promise.all(publishes);
    await clock.until(total);
    const latencies = [...clock.sent].map(([id, sent]) => (clock.handled.get(id) ?? NaN) - sent).sort((a, b) => a - b);
    return { variant, jobsPerSecond, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
  } finally {
    await stop();
    await publisher.close();
  }
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const change = (after: number, before: number) => `${after >= before ? '+' : ''}${((100 * (after - before)) / before).toFixed(1)} %`;

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const rounds: Round[] = [];
  try {
    log(`transport benchmark: ${ROUNDS} rounds, burst ${BURST} jobs, open loop ${RATE} jobs/s for ${OPEN_LOOP_S} s, concurrency ${CONCURRENCY}`);
    // A round of each first, not counted: the first jobs run on code V8 has not optimised yet.
    for (const variant of ['direct', 'transport'] as const) {
      const warm = await round(redis.url, variant, 0);
      log(`warm-up ${variant.padEnd(9)}: burst ${warm.jobsPerSecond.toFixed(0)} jobs/s (not counted)`);
    }
    for (let index = 1; index <= ROUNDS; index++) {
      // Alternating order, so neither variant always runs on a warmer machine.
      const order: Variant[] = index % 2 === 1 ? ['direct', 'transport'] : ['transport', 'direct'];
      for (const variant of order) {
        const result = await round(redis.url, variant, index);
        rounds.push(result);
        log(`round ${index} ${variant.padEnd(9)}: burst ${result.jobsPerSecond.toFixed(0)} jobs/s; open loop p50 ${result.p50.toFixed(2)} ms, p95 ${result.p95.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
      }
    }
  } finally {
    await redis.kill();
  }
  const of = (variant: Variant, figure: keyof Omit<Round, 'variant'>) => median(rounds.filter((r) => r.variant === variant).map((r) => r[figure]));
  console.log('\n== the queue transport against a handler map (same driver, same redis-server; medians of rounds) ==');
  console.log('figure                         direct   transport   change');
  for (const [label, figure, digits] of [
    ['burst, jobs/s', 'jobsPerSecond', 0],
    ['open loop p50, ms', 'p50', 2],
    ['open loop p95, ms', 'p95', 2],
    ['open loop p99, ms', 'p99', 2],
  ] as const) {
    const direct = of('direct', figure);
    const transport = of('transport', figure);
    console.log(`${label.padEnd(26)} ${direct.toFixed(digits).padStart(10)} ${transport.toFixed(digits).padStart(11)}   ${change(transport, direct)}`);
  }
  const perJobUs = (1 / of('transport', 'jobsPerSecond') - 1 / of('direct', 'jobsPerSecond')) * 1e6;
  console.log(`the transport's cost per job from the bursts: ${perJobUs.toFixed(0)} µs of the worker's time`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
