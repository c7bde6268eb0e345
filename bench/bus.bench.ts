// End-to-end benchmark of the bus. Not a timed test: it prints figures and writes them
// to a JSON file and a PNG chart; it asserts only that nothing was lost or doubled.
//
// Through the real apps as separate processes (the fault suite's FaultBus: its own redis-server and
// PostgreSQL on free ports, never the shared ones), with production settings (outbox, signatures,
// field encryption, LOG_LEVEL info, default poll intervals and backoffs, fsync on):
//   the procuratorate's adapter opens handoffs over HTTP to civil-affairs (webhook, to a fast local
//   receiver) and education (pull: a system that lists and acknowledges GET /inbox).
// Per queue backend (redis, and postgres = BullMQ's PostgreSQL backend), it reports
//   1. raw BullMQ add → process on the same server with the same payload size, and the bus's
//      messages per second (first POST → last delivered), alternated, 3 trials each, and the ratio;
//   2. latency p50/p95/p99 from the POST's 2xx to the webhook's arrival, open loop, at the measured
//      maximum and at half of it;
//   3. RSS (and CPU) of each app idle and under load;
//   4. SQL statements and commits per message (pg_stat_statements, pg_stat_database on the private server).
//
// Usage: npm run bench [-- --quick] [-- --backends=redis,postgres]   (bench/run.mjs builds and runs this)
//   --adapters=shared   the units' adapters in one process (ADAPTER_UNITS, apps/adapter/src/multi-main.ts)
//                       instead of one process each: its RSS idle and under load, and that ÷ units
//   --units=13          the other ten units' adapters too, idle beside the three (a whole city's memory)
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createPostgresBackend, Queue, setDefaultBackendFactory, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { UNIT_CODES } from '#contracts';
import { FaultBus, PULL_UNIT, RECEIVER_RULE, RECIPIENTS, SENDER, WEBHOOK_UNIT } from '../test/faults/support/fault-bus.js';
import type { AcceptedHandoff } from '../test/faults/support/load.js';
import { judicialReferral } from '../test/support/factories.js';
import { renderChart, type ChartSeries } from './chart.js';
import { durableReference } from './durable-reference.js';

const run = promisify(execFile);
const QUICK = process.argv.includes('--quick');
const BACKENDS = (process.argv.find((a) => a.startsWith('--backends='))?.slice(11) ?? 'redis,postgres').split(',') as Backend[];
const OUT_DIR = resolve(process.env.BENCH_OUT_DIR ?? 'bench/results');
const CHART = resolve(process.env.BENCH_CHART ?? (QUICK ? join(OUT_DIR, 'latency-quick.png') : 'docs/benchmarks/latency.png'));

/** Requests per throughput trial (each opens 2 handoffs = 2 messages), raw jobs per raw trial. */
const BUS_REQUESTS = Number(process.env.BENCH_REQUESTS ?? (QUICK ? 150 : 200));
/** BullMQ's PostgreSQL backend is ~10 times slower than Redis: fewer jobs keep its trials as long. */
const rawJobs = (backend: Backend) => Number(process.env.BENCH_RAW_JOBS ?? (backend === 'redis' ? (QUICK ? 3_000 : 10_000) : QUICK ? 1_000 : 2_000));
/** Messages per trial of the durable reference (bench/durable-reference.ts). */
const referenceMessages = (backend: Backend) => Number(process.env.BENCH_REFERENCE_MESSAGES ?? (backend === 'redis' ? (QUICK ? 1_000 : 3_000) : QUICK ? 300 : 1_000));
const TRIALS = 3;
/** Open-loop window per load level (the issue: at least 2 minutes). */
const WINDOW_MS = Number(process.env.BENCH_WINDOW_SECONDS ?? (QUICK ? 15 : 120)) * 1000;
const DRAIN_MS = 180_000;
const CONCURRENCY = 16;

type Backend = 'redis' | 'postgres';

/** The adapters in one shared process, or one process per unit (the default, as deployed so far). */
const SHARED = process.argv.includes('--adapters=shared');
const ACTIVE_UNITS = [SENDER, WEBHOOK_UNIT, PULL_UNIT];
const UNITS = Math.min(UNIT_CODES.length, Math.max(ACTIVE_UNITS.length, Number(process.argv.find((a) => a.startsWith('--units='))?.slice(8) ?? ACTIVE_UNITS.length)));
/** Units whose adapters only idle beside the three that carry the load. */
const IDLE_UNITS = UNIT_CODES.filter((code) => !ACTIVE_UNITS.includes(code)).slice(0, UNITS - ACTIVE_UNITS.length);
/** The app name the figures give the shared process. */
const SHARED_APP = 'adapters';

/** Production settings: the config defaults, undoing the fault suite's short test timings. */
const PRODUCTION_ADAPTER = {
  // BENCH_LOG_LEVEL=debug (with BENCH_LOG_DIR) keeps each message's steps in the apps' logs, to follow one message's time
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  OUTBOX_POLL_MS: '500',
  INBOX_BACKOFF_MS: '1000',
  DELIVERY_BACKOFF_MS: '2000',
  WORKER_LOCK_MS: '30000',
  RETRY_MAX_BACKOFF_MS: '300000',
  RECONCILE_INTERVAL_MS: '30000',
  RECONCILE_GRACE_MS: '10000',
};
const PRODUCTION_SCHEDULER = { ...PRODUCTION_ADAPTER, SWEEP_INTERVAL_MS: '1000', ALERT_BACKOFF_MS: '60000' };
delete (PRODUCTION_SCHEDULER as Record<string, string>).OUTBOX_POLL_MS;
delete (PRODUCTION_SCHEDULER as Record<string, string>).INBOX_BACKOFF_MS;
delete (PRODUCTION_SCHEDULER as Record<string, string>).DELIVERY_BACKOFF_MS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = performance.now();
const step = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
const median = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');

interface Latency {
  offeredPerSecond: number;
  sent: number;
  accepted: number;
  delivered: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** the same percentiles, median of the window's three thirds */
  thirds: { p50: number; p95: number; p99: number };
  /** requests not answered 2xx */
  refused: number;
}

interface BackendResult {
  backend: Backend;
  payloadBytes: number;
  raw: number[];
  /** the durable reference's messages/s (first POST → last webhook), one per trial */
  reference: number[];
  bus: number[];
  rawMedian: number;
  referenceMedian: number;
  busMedian: number;
  /** bus ÷ raw BullMQ */
  ratio: number;
  /** bus ÷ the durable reference: how close the bus is to what its guarantees cost */
  referenceRatio: number;
  statementsPerMessage: number;
  commitsPerMessage: number;
  /** the 40 most frequent, in the JSON; the summary prints the first 12 */
  topStatements: { calls: number; perMessage: number; query: string }[];
  rssIdleMiB: Record<string, number>;
  rssLoadMiB: Record<string, number>;
  cpuIdlePercent: Record<string, number>;
  /** all the adapters' memory: the shared process's RSS, or the sum of the separate processes' (under load: of each one's peak); and that ÷ units */
  adapterMemory: { layout: 'shared' | 'separate'; units: number; idleMiB: number; loadMiB: number; idlePerUnitMiB: number; loadPerUnitMiB: number };
  half: Latency;
  /** where the time of a message at half the maximum goes, from the rows' own timestamps (p50 / p95 ms) */
  halfHops: Hop[];
  max: Latency;
  lost: number;
  doubled: number;
  /** the durable reference's own count, kept apart from the bus's */
  referenceLostOrDoubled: number;
}

// ---------------------------------------------------------------------------------------------
// Process figures from /proc
// ---------------------------------------------------------------------------------------------

function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** utime + stime in seconds */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function appsOf(bus: FaultBus): Record<string, number | undefined> {
  const apps: Record<string, number | undefined> = { scheduler: bus.scheduler.pid };
  for (const [code, app] of bus.adapters) apps[code] = app.pid;
  if (bus.shared) apps[SHARED_APP] = bus.shared.pid;
  return apps;
}

/** Samples every app's RSS while running; stop() returns each one's maximum. */
function sampleRss(bus: FaultBus): { stop: () => Record<string, number> } {
  const peak: Record<string, number> = {};
  const sample = () => {
    for (const [name, pid] of Object.entries(appsOf(bus))) peak[name] = Math.max(peak[name] ?? 0, rssMiB(pid) || 0);
  };
  sample();
  const timer = setInterval(sample, 500);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

interface Sent {
  handoffs: AcceptedHandoff[];
  /** performance.now() of the 2xx */
  acceptedAt: number;
  sentAt: number;
}

/** Answers other than 2xx, by status or error, for the report. */
const refusals = new Map<string, number>();
const refuse = (why: string) => refusals.set(why, (refusals.get(why) ?? 0) + 1);

async function post(bus: FaultBus, body: unknown): Promise<Sent | null> {
  const sender = bus.endpoint(SENDER);
  const sentAt = performance.now();
  try {
    const response = await fetch(`${sender.baseUrl}/handoffs/judicial-referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sender.apiKey}`, 'content-type': 'application/json', 'idempotency-key': `bench-${crypto.randomUUID()}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await response.text();
    const acceptedAt = performance.now();
    if (!response.ok) {
      refuse(`${response.status} ${text.slice(0, 120)}`);
      return null;
    }
    const opened = JSON.parse(text) as { handoffs: { id: string; messageId: string; to: string }[] };
    return { handoffs: opened.handoffs.map((h) => ({ handoffId: h.id, messageId: h.messageId, to: h.to })), acceptedAt, sentAt };
  } catch (error) {
    refuse(error instanceof Error ? `${error.name}: ${error.message} ${error.cause instanceof Error ? error.cause.message : ''}`.slice(0, 160) : String(error));
    return null;
  }
}

function deliveredAt(bus: FaultBus, handoff: AcceptedHandoff): number | undefined {
  return handoff.to === WEBHOOK_UNIT ? bus.systems.firstAcceptedAt.get(handoff.messageId) : bus.pulledAt.get(handoff.messageId);
}

async function waitDelivered(bus: FaultBus, handoffs: AcceptedHandoff[], timeoutMs = DRAIN_MS): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let missing = handoffs;
  while (missing.length > 0 && Date.now() < deadline) {
    missing = missing.filter((h) => deliveredAt(bus, h) === undefined);
    if (missing.length > 0) await sleep(20);
  }
  return missing.length;
}

/** A closed-loop burst of `requests` referrals; messages per second from the first POST to the last delivery. */
async function busBurst(bus: FaultBus, requests: number): Promise<{ perSecond: number; handoffs: AcceptedHandoff[]; lost: number }> {
  const bodies = Array.from({ length: requests }, () => judicialReferral(RECIPIENTS, { priorityGroups: [] }));
  const handoffs: AcceptedHandoff[] = [];
  let next = 0;
  let refused = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const sent = await post(bus, bodies[next++]);
        if (sent) handoffs.push(...sent.handoffs);
        else refused++;
      }
    }),
  );
  const lost = await waitDelivered(bus, handoffs);
  const last = Math.max(...handoffs.map((h) => deliveredAt(bus, h) ?? 0));
  if (refused > 0) step(`  ${refused} requests refused during the burst: ${JSON.stringify([...refusals])}`);
  if (lost > 0) {
    const missing = handoffs.filter((h) => deliveredAt(bus, h) === undefined);
    step(`  not delivered: ${missing.filter((h) => h.to === WEBHOOK_UNIT).length} webhook, ${missing.filter((h) => h.to === PULL_UNIT).length} pull`);
  }
  return { perSecond: handoffs.length / ((last - t0) / 1000), handoffs, lost };
}

/** Open loop: requests at a fixed rate whatever the answers; latency from each 2xx to the webhook. */
async function openLoop(bus: FaultBus, messagesPerSecond: number, windowMs: number): Promise<Latency & { handoffs: AcceptedHandoff[] }> {
  const requestsPerSecond = messagesPerSecond / RECIPIENTS.length;
  const total = Math.max(1, Math.round((requestsPerSecond * windowMs) / 1000));
  const bodies = Array.from({ length: total }, () => judicialReferral(RECIPIENTS, { priorityGroups: [] }));
  const t0 = performance.now();
  const inFlight: Promise<Sent | null>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / requestsPerSecond;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(post(bus, bodies[i]));
  }
  const answers = await Promise.all(inFlight);
  const ok = answers.filter((a): a is Sent => a !== null);
  const handoffs = ok.flatMap((a) => a.handoffs);
  await waitDelivered(bus, handoffs);
  const samples: { sentAt: number; ms: number }[] = [];
  for (const answer of ok) {
    for (const handoff of answer.handoffs) {
      if (handoff.to !== WEBHOOK_UNIT) continue;
      const at = deliveredAt(bus, handoff);
      if (at !== undefined) samples.push({ sentAt: answer.sentAt, ms: Math.max(0, at - answer.acceptedAt) });
    }
  }
  const pct = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
  };
  const whole = pct(samples.map((s) => s.ms));
  const thirds = [0, 1, 2].map((k) => pct(samples.filter((s) => s.sentAt - t0 >= (k * windowMs) / 3 && s.sentAt - t0 < ((k + 1) * windowMs) / 3).map((s) => s.ms)));
  return {
    offeredPerSecond: messagesPerSecond,
    sent: total,
    accepted: ok.length,
    delivered: handoffs.filter((h) => deliveredAt(bus, h) !== undefined).length,
    ...whole,
    thirds: { p50: median(thirds.map((t) => t.p50)), p95: median(thirds.map((t) => t.p95)), p99: median(thirds.map((t) => t.p99)) },
    refused: total - ok.length,
    handoffs,
  };
}

/** Raw BullMQ on the same server: add `count` jobs of `payloadBytes` one by one, a worker (concurrency 16) that does nothing; first add → last processed. */
async function rawBullMq(connection: ConnectionOptions, payloadBytes: number, count: number, trial: number): Promise<number> {
  const name = `bench-raw-${trial}-${Date.now()}`;
  const queue = new Queue(name, { connection, prefix: 'bench-raw' });
  let done = 0;
  let resolveDone!: () => void;
  const finished = new Promise<void>((r) => (resolveDone = r));
  let last = 0;
  const worker = new Worker(
    name,
    async () => {
      if (++done === count) {
        last = performance.now();
        resolveDone();
      }
    },
    { connection, prefix: 'bench-raw', concurrency: CONCURRENCY },
  );
  await worker.waitUntilReady();
  const payload = { blob: 'x'.repeat(payloadBytes) };
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        await queue.add('raw', payload, { removeOnComplete: true });
      }
    }),
  );
  await finished;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return count / ((last - t0) / 1000);
}

// ---------------------------------------------------------------------------------------------
// One backend
// ---------------------------------------------------------------------------------------------

interface Hop {
  hop: string;
  p50: number;
  p95: number;
}

/**
 * The webhook unit's messages cut into three hops by the timestamps the bus writes anyway (one
 * machine, one clock): the sender's API transaction begins (`OutboxEntry.createdAt`, PostgreSQL's
 * now()) → the relay has published it (`publishedAt`) → the receiver's inbox transaction begins
 * (`InboxEntry.receivedAt`) → the webhook's 2xx is recorded (`deliveredAt`, the adapter's clock).
 */
async function hops(pool: pg.Pool, handoffs: readonly AcceptedHandoff[]): Promise<Hop[]> {
  const ids = handoffs.filter((h) => h.to === WEBHOOK_UNIT).map((h) => h.messageId);
  const { rows } = await pool.query<{ hop: string; p50: number; p95: number }>(
    `WITH m AS (
       SELECT extract(epoch FROM o."publishedAt" - o."createdAt") * 1000 AS published,
              extract(epoch FROM i."receivedAt" - o."publishedAt") * 1000 AS received,
              extract(epoch FROM i."deliveredAt" - i."receivedAt") * 1000 AS delivered
       FROM "OutboxEntry" o JOIN "InboxEntry" i ON i."messageId" = o."messageId" AND i.agency = $2
       WHERE o."messageId" = ANY($1::uuid[]) AND i."deliveredAt" IS NOT NULL)
     SELECT 'API transaction begins → relay published' AS hop, percentile_cont(0.5) WITHIN GROUP (ORDER BY published) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY published) AS p95 FROM m
     UNION ALL SELECT 'published → receiver’s transaction begins', percentile_cont(0.5) WITHIN GROUP (ORDER BY received), percentile_cont(0.95) WITHIN GROUP (ORDER BY received) FROM m
     UNION ALL SELECT 'receiver’s transaction begins → webhook 2xx recorded', percentile_cont(0.5) WITHIN GROUP (ORDER BY delivered), percentile_cont(0.95) WITHIN GROUP (ORDER BY delivered) FROM m`,
    [ids, WEBHOOK_UNIT],
  );
  return rows.map((row) => ({ hop: row.hop, p50: Number(row.p50), p95: Number(row.p95) }));
}

async function benchBackend(backend: Backend): Promise<BackendResult> {
  step(`${backend}: starting redis-server, PostgreSQL (fsync on, pg_stat_statements), ${UNITS} adapters (${SHARED ? 'in one process' : 'one process each'}) and the scheduler`);
  const bus = await FaultBus.start(`bench-${backend}`, {
    queueBackend: backend,
    sharedAdapters: SHARED,
    idleUnits: IDLE_UNITS,
    postgres: { durable: true, settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_utility': 'on', 'pg_stat_statements.max': '10000' } },
    adapterEnv: PRODUCTION_ADAPTER,
    schedulerEnv: PRODUCTION_SCHEDULER,
    start: false,
  });
  bus.pullLimit = 50;
  for (const app of bus.apps) app.execArgv = profiling(backend);
  await bus.startAll().catch(async (error: unknown) => {
    await bus.stop();
    throw error;
  });
  const unwatch = watchApps(bus);
  const pool = new pg.Pool({ connectionString: bus.postgres.url, max: 2 });
  let rawConnection: ConnectionOptions;
  let closeRaw = async () => undefined as unknown;
  if (backend === 'redis') {
    const redis = new Redis(bus.redis.url, { maxRetriesPerRequest: null });
    rawConnection = redis;
    closeRaw = () => redis.quit();
  } else {
    // The bus's own choice (libs/bus queue-backend.ts): one pool, BullMQ's schema, the apps migrated it.
    const rawPool = new pg.Pool({ connectionString: bus.postgres.url, max: 8, options: '-c search_path="bullmq"' });
    setDefaultBackendFactory(createPostgresBackend as Parameters<typeof setDefaultBackendFactory>[0]);
    rawConnection = rawPool;
    closeRaw = async () => {
      await rawPool.end();
      setDefaultBackendFactory();
    };
  }
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const payloadBytes = Buffer.byteLength(JSON.stringify(judicialReferral(RECIPIENTS, { priorityGroups: [] })));

    step(`${backend}: idle 10 s (RSS, CPU of each app)`);
    await sleep(5_000);
    const cpu0 = Object.fromEntries(Object.entries(appsOf(bus)).map(([n, pid]) => [n, cpuSeconds(pid)]));
    const idle0 = performance.now();
    await sleep(10_000);
    const idleSeconds = (performance.now() - idle0) / 1000;
    const cpuIdlePercent = Object.fromEntries(Object.entries(appsOf(bus)).map(([n, pid]) => [n, ((cpuSeconds(pid) - cpu0[n]) / idleSeconds) * 100]));
    const rssIdleMiB = Object.fromEntries(Object.entries(appsOf(bus)).map(([n, pid]) => [n, rssMiB(pid)]));

    step(`${backend}: warm-up (50 requests)`);
    const warm = await busBurst(bus, 50);
    const all: AcceptedHandoff[] = [...warm.handoffs];
    const rss = sampleRss(bus);

    const raw: number[] = [];
    const reference: number[] = [];
    let referenceFaults = 0;
    const busRates: number[] = [];
    let statementsPerMessage = NaN;
    let commitsPerMessage = NaN;
    let topStatements: BackendResult['topStatements'] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      raw.push(await rawBullMq(rawConnection, payloadBytes, rawJobs(backend), trial));
      step(`${backend}: trial ${trial}: raw BullMQ ${f0(raw.at(-1) ?? NaN)} jobs/s (${rawJobs(backend)} jobs of ${payloadBytes} B)`);
      await sleep(1_000);
      const ref = await durableReference({
        databaseUrl: bus.postgres.url,
        redisUrl: bus.redis.url,
        backend,
        count: referenceMessages(backend),
        concurrency: CONCURRENCY,
        body: () => judicialReferral(RECIPIENTS, { priorityGroups: [] }),
      });
      reference.push(ref.perSecond);
      referenceFaults += ref.lost + ref.doubled;
      step(`${backend}: trial ${trial}: durable reference ${f0(ref.perSecond)} messages/s (${ref.messages} messages, lost ${ref.lost}, doubled ${ref.doubled})`);
      await sleep(1_000);
      const measureStatements = trial === 1;
      if (measureStatements) {
        await pool.query('SELECT pg_stat_statements_reset()');
        await pool.query('SELECT pg_stat_reset()');
      }
      const burst = await busBurst(bus, BUS_REQUESTS);
      all.push(...burst.handoffs);
      busRates.push(burst.perSecond);
      step(`${backend}: trial ${trial}: bus ${f1(burst.perSecond)} messages/s (${burst.handoffs.length} messages${burst.lost ? `, ${burst.lost} NOT DELIVERED` : ''})`);
      if (measureStatements) {
        // The scheduler's share (step events → obligations) comes after delivery: wait for it.
        const ids = burst.handoffs.map((h) => h.handoffId);
        const deadline = Date.now() + 120_000;
        while (Date.now() < deadline) {
          const { rows } = await pool.query<{ n: string }>(`SELECT count(DISTINCT "handoffId") AS n FROM "Obligation" WHERE rule = $1 AND "handoffId" = ANY($2::uuid[])`, [RECEIVER_RULE, ids]);
          if (Number(rows[0].n) >= ids.length) break;
          await sleep(200);
        }
        const messages = burst.handoffs.length;
        const { rows } = await pool.query<{ calls: string; query: string }>(
          `SELECT calls::text, query FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
           WHERE d.datname = current_database() AND query NOT ILIKE '%pg_stat%' AND query NOT ILIKE '%"Obligation" WHERE rule = $1 AND "handoffId" = ANY%'
           ORDER BY s.calls DESC`,
        );
        const totalCalls = rows.reduce((sum, row) => sum + Number(row.calls), 0);
        statementsPerMessage = totalCalls / messages;
        topStatements = rows.slice(0, 40).map((row) => ({ calls: Number(row.calls), perMessage: Number(row.calls) / messages, query: row.query.replace(/\s+/g, ' ').slice(0, 140) }));
        const { rows: db } = await pool.query<{ xact_commit: string }>(`SELECT xact_commit::text FROM pg_stat_database WHERE datname = current_database()`);
        commitsPerMessage = Number(db[0].xact_commit) / messages;
        step(`${backend}: ${f1(statementsPerMessage)} statements and ${f1(commitsPerMessage)} commits per message`);
      }
    }
    const rawMedian = median(raw);
    const referenceMedian = median(reference);
    const busMedian = median(busRates);

    step(`${backend}: open loop at half the maximum (${f1(busMedian / 2)} messages/s) for ${WINDOW_MS / 1000} s`);
    const half = await openLoop(bus, busMedian / 2, WINDOW_MS);
    all.push(...half.handoffs);
    const halfHops = await hops(pool, half.handoffs);
    step(`${backend}: open loop at the maximum (${f1(busMedian)} messages/s) for ${WINDOW_MS / 1000} s`);
    const max = await openLoop(bus, busMedian, WINDOW_MS);
    all.push(...max.handoffs);
    const rssLoadMiB = rss.stop();

    // Nothing lost, nothing doubled: every accepted handoff reached its unit, once.
    const lost = all.filter((h) => deliveredAt(bus, h) === undefined).length;
    const doubled = bus.systems.repeats(WEBHOOK_UNIT) + [...bus.pulled.values()].reduce((a, b) => a + b, 0);
    const { rows: dup } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT "handoffId" FROM "InboxEntry" WHERE type = 'handoff.judicial-referral' GROUP BY agency, "handoffId" HAVING count(*) > 1) d`,
    );
    return {
      backend,
      payloadBytes,
      raw,
      reference,
      bus: busRates,
      rawMedian,
      referenceMedian,
      busMedian,
      ratio: busMedian / rawMedian,
      referenceRatio: busMedian / referenceMedian,
      statementsPerMessage,
      commitsPerMessage,
      topStatements,
      rssIdleMiB,
      rssLoadMiB,
      cpuIdlePercent,
      adapterMemory: adapterMemory(rssIdleMiB, rssLoadMiB),
      half: stripHandoffs(half),
      halfHops,
      max: stripHandoffs(max),
      lost,
      doubled: doubled + Number(dup[0].n),
      referenceLostOrDoubled: referenceFaults,
    };
  } finally {
    unwatch();
    await closeRaw().catch(() => undefined);
    await pool.end().catch(() => undefined);
    if (process.env.BENCH_LOG_DIR) {
      mkdirSync(process.env.BENCH_LOG_DIR, { recursive: true });
      for (const app of bus.apps) writeFileSync(join(process.env.BENCH_LOG_DIR, `${backend}-${app.name.replace(/\W+/g, '-')}.log`), app.log);
    }
    // A CPU profile is written only on a clean exit: SIGTERM first (FaultBus.stop kills).
    if (process.env.BENCH_CPU_PROF) {
      await bus.stopPulling();
      await Promise.all(
        bus.apps.map(async (app) => {
          const killer = setTimeout(() => void app.kill(), 30_000); // a shutdown that hangs loses its profile, not the run
          await app.stop();
          clearTimeout(killer);
        }),
      );
    }
    await bus.stop();
  }
}

/** The adapters' memory as a whole and per unit, whichever way they run. */
function adapterMemory(idle: Record<string, number>, load: Record<string, number>): BackendResult['adapterMemory'] {
  const sum = (figures: Record<string, number>) => (SHARED ? figures[SHARED_APP] : Object.entries(figures).filter(([app]) => app !== 'scheduler').reduce((total, [, mib]) => total + mib, 0));
  const [idleMiB, loadMiB] = [sum(idle), sum(load)];
  return { layout: SHARED ? 'shared' : 'separate', units: UNITS, idleMiB, loadMiB, idlePerUnitMiB: idleMiB / UNITS, loadPerUnitMiB: loadMiB / UNITS };
}

/** BENCH_CPU_PROF=<dir>: every app runs with --cpu-prof, its profile in <dir>/<backend>. */
function profiling(backend: Backend): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(dir, backend)}`] : [];
}

function stripHandoffs({ handoffs: _handoffs, ...latency }: Latency & { handoffs: AcceptedHandoff[] }): Latency {
  return latency;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function report(results: BackendResult[]): void {
  const apps = [...(SHARED ? [SHARED_APP] : [...ACTIVE_UNITS, ...IDLE_UNITS]), 'scheduler'];
  for (const r of results) {
    console.log(`\n== ${r.backend} ==`);
    console.log(`raw BullMQ add → process (${r.payloadBytes} B payload): ${r.raw.map(f0).join(' / ')} jobs/s, median ${f0(r.rawMedian)}`);
    console.log(`durable reference (pg + BullMQ), POST → webhook: ${r.reference.map(f0).join(' / ')} messages/s, median ${f0(r.referenceMedian)}`);
    console.log(`bus, first POST → last delivered:        ${r.bus.map(f1).join(' / ')} messages/s, median ${f1(r.busMedian)}`);
    console.log(`bus / raw BullMQ: ${r.ratio.toFixed(4)}   bus / durable reference: ${r.referenceRatio.toFixed(3)}`);
    console.log(`statements per message: ${f1(r.statementsPerMessage)}   commits per message: ${f1(r.commitsPerMessage)}`);
    for (const s of r.topStatements.slice(0, 12)) console.log(`  ${s.perMessage.toFixed(2).padStart(6)}  ${s.query}`);
    console.log('latency from 2xx to webhook (ms)   offered msg/s    p50     p95     p99     max   (median of thirds: p50/p95/p99)  sent/accepted/delivered');
    for (const [label, l] of [['half the maximum', r.half], ['the maximum', r.max]] as const) {
      console.log(
        `  at ${label.padEnd(28)} ${f1(l.offeredPerSecond).padStart(8)} ${f1(l.p50).padStart(7)} ${f1(l.p95).padStart(7)} ${f1(l.p99).padStart(7)} ${f0(l.max).padStart(7)}   ${f1(l.thirds.p50)}/${f1(l.thirds.p95)}/${f1(l.thirds.p99)}   ${l.sent}/${l.accepted}/${l.delivered}`,
      );
    }
    console.log('where a message’s time goes at half the maximum (webhook unit; rows’ timestamps)   p50 ms   p95 ms');
    for (const h of r.halfHops) console.log(`  ${h.hop.padEnd(60)} ${f1(h.p50).padStart(8)} ${f1(h.p95).padStart(8)}`);
    console.log('app              RSS idle MiB   RSS load MiB   CPU idle %');
    for (const app of apps) console.log(`  ${app.padEnd(16)} ${f1(r.rssIdleMiB[app]).padStart(10)} ${f1(r.rssLoadMiB[app]).padStart(14)} ${f1(r.cpuIdlePercent[app]).padStart(12)}`);
    const m = r.adapterMemory;
    console.log(
      `adapters (${m.units} units, ${m.layout === 'shared' ? 'one process' : 'one process each; under load: the sum of each one’s peak'}): RSS idle ${f1(m.idleMiB)} MiB, under load ${f1(m.loadMiB)} MiB; per unit ${f1(m.idlePerUnitMiB)} / ${f1(m.loadPerUnitMiB)} MiB`,
    );
    console.log(`lost: ${r.lost}   doubled: ${r.doubled}   (durable reference: lost or doubled ${r.referenceLostOrDoubled})`);
  }
}

/** An app that exits during a run invalidates it: say which, with its last lines, and stop. */
function watchApps(bus: FaultBus): () => void {
  const timer = setInterval(() => {
    const dead = bus.apps.find((app) => !app.running);
    if (!dead) return;
    clearInterval(timer);
    console.error(`${dead.name} exited during the run (${JSON.stringify(dead.lastExit)}):\n${dead.log.split('\n').slice(-15).join('\n')}`);
    process.exit(1);
  }, 500);
  return () => clearInterval(timer);
}

// Ctrl-C or a kill: exit so the helpers' exit hooks kill the apps, redis-server and PostgreSQL.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

async function main(): Promise<void> {
  const [load1] = (await import('node:os')).loadavg();
  step(`bus benchmark${QUICK ? ' (quick)' : ''}: backends ${BACKENDS.join(', ')}; ${UNITS} adapters ${SHARED ? 'in one process' : 'one process each'}; load average ${load1.toFixed(2)}; ${(await import('node:os')).cpus().length} cores`);
  const results: BackendResult[] = [];
  for (const backend of BACKENDS) {
    results.push(await benchBackend(backend));
    report(results.slice(-1)); // printed as soon as it is known: a later failure does not lose it
  }
  const loadAfter = (await import('node:os')).loadavg();
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `bus-${QUICK ? 'quick-' : ''}${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ quick: QUICK, adapters: SHARED ? 'shared' : 'separate', units: UNITS, loadAverageBefore: load1, loadAverageAfter: loadAfter, commit: await gitCommit(), results }, null, 2));
  const series: ChartSeries[] = results.flatMap((r) =>
    (['p50', 'p95', 'p99'] as const).map((p) => ({ label: `${r.backend} ${p}`, points: [r.half, r.max].map((l) => ({ x: l.offeredPerSecond, y: l[p] })) })),
  );
  await renderChart(series, CHART, `Latency from 2xx to webhook against offered load${QUICK ? ' (quick run)' : ''}`).then(
    () => step(`chart: ${CHART}`),
    (error: unknown) => step(`chart not drawn: ${error instanceof Error ? error.message : String(error)}`),
  );
  step(`figures: ${file}; load average now ${loadAfter.map((n) => n.toFixed(2)).join(' ')}`);
  if (results.some((r) => r.lost > 0 || r.doubled > 0 || r.referenceLostOrDoubled > 0)) {
    console.error('messages were lost or doubled');
    process.exitCode = 1;
  }
}

async function gitCommit(): Promise<string> {
  return (await run('git', ['rev-parse', '--short', 'HEAD']).catch(() => ({ stdout: '' }))).stdout.trim();
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
