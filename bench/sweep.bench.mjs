#!/usr/bin/env node
// Benchmark of the scheduler's deadline sweep (not a timed test: it prints figures, it asserts
// only that the work completes). It shows:
//   1. the sweep's cost does not grow with obligations that are not yet due (10k vs 1M open,
//      1k due): EXPLAIN (ANALYZE, BUFFERS) of the exact claim query, and the wall time for a real
//      scheduler process to fire the 1k;
//   2. Redis memory of the bus's keys does not grow with open obligations (due times live only in
//      PostgreSQL);
//   3. how late a due obligation fires on the real clock (p50/p95/p99/max);
//   4. how long 100k overdue obligations take to drain after a scheduler outage, and whether
//      message traffic (step events on the scheduler's queue, small DB writes) is served meanwhile.
//
// Usage:  npm run bench                      (builds dist/ first, then runs this file)
//         node bench/sweep.bench.mjs [--keep] (needs dist/ built: npx tsc -p tsconfig.build.json)
//   --keep  leave the scratch database bus_bench in place for inspection
// Settings (environment, all optional):
//   BENCH_PG_URL     server URL without database  (default postgresql://postgres@127.0.0.1:5432)
//   BENCH_REDIS_URL  (default redis://127.0.0.1:6379)
//   BENCH_LARGE      not-yet-due obligations of the large case (default 1000000)
//   BENCH_DRAIN      overdue obligations of the outage case (default 100000)
// It uses its own database (bus_bench, dropped at the end unless --keep) and its own BullMQ prefix
// (bench-sweep; only keys "bench-sweep:*" are removed at the end, never anything else).

import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEEP = process.argv.includes('--keep');
const PG_SERVER = (process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
const DB_NAME = 'bus_bench';
const DATABASE_URL = `${PG_SERVER}/${DB_NAME}`;
function schedulerDatabaseUrl() {
  const url = new URL(DATABASE_URL);
  url.username = 'bus_scheduler'; // SCHEDULER_DATABASE_LOGIN (libs/persistence database-logins.ts)
  url.password = '';
  return url.toString();
}
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = 'bench-sweep';
const SCHEDULER_MAIN = join(ROOT, 'dist/apps/scheduler/src/main.js');

const BATCH = 200; // SWEEP_BATCH_SIZE default (libs/config/src/scheduler-env.dto.ts)
const NOT_DUE_SMALL = 10_000;
const NOT_DUE_LARGE = Number(process.env.BENCH_LARGE ?? 1_000_000);
const DUE = 1_000;
const FIRE_ROUNDS = 3;
const LATENESS_N = 2_000;
const LATENESS_SPREAD_MS = 20_000;
const DRAIN_N = Number(process.env.BENCH_DRAIN ?? 100_000);
const RULE = 'procedure-started-after-receipt';
const AGENCY = 'civil-affairs';
// The queue names as the built scheduler uses them (the same dist/), never copied: a name that drifts
// would make the bench read an empty queue and report nothing.
const { OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE } = await import(pathToFileURL(join(ROOT, 'dist/libs/contracts/src/queue-names.js')).href);
const STEP_RECORDED = 'handoff.step-recorded'; // MessageType.StepRecorded

// Exactly the claim query of ObligationRepository.claimDue (libs/persistence/src/obligation.repository.ts).
const CLAIM_SQL = `SELECT id FROM "Obligation"
      WHERE status = 'open' AND "nextActionAt" <= $1
      ORDER BY "nextActionAt"
      LIMIT $2
      FOR UPDATE SKIP LOCKED`;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const t0 = performance.now();
const elapsed = () => ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
const log = (line = '') => console.log(line);
const step = (line) => console.log(`[${elapsed()} s] ${line}`);
const fmt = (n, digits = 0) => Number(n).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n) => `${fmt(n, n < 10 ? 2 : n < 100 ? 1 : 0)} ms`;
const kib = (bytes) => `${fmt(bytes / 1024, 1)} KiB`;

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => '  ' + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  log(line(cells[0]));
  log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) log(line(row));
}

async function waitFor(what, predicate, { timeoutMs, intervalMs = 50, onTimeout = () => '' }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${onTimeout()}`);
    await sleep(intervalMs);
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The clock file and the scheduler process
// ---------------------------------------------------------------------------------------------

const clockDir = mkdtempSync(join(os.tmpdir(), 'bus-bench-clock-'));
const clockPath = join(clockDir, 'now');

/** Atomic (rename), so the scheduler never reads a half-written instant. */
function setClock(instant) {
  const tmp = `${clockPath}.tmp`;
  writeFileSync(tmp, instant.toISOString());
  renameSync(tmp, clockPath);
}

const officeKey = `bench-office-key-${randomUUID()}`;
const OFFICE_WEBHOOK_SECRET = `bench-office-webhook-${randomUUID()}`;

/** The office's system: answers every alert 204 and counts what it was sent. */
const officeSystem = { url: '', received: 0, server: null };
async function startOfficeSystem() {
  officeSystem.server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      officeSystem.received += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => officeSystem.server.listen(0, '127.0.0.1', resolve));
  officeSystem.url = `http://127.0.0.1:${officeSystem.server.address().port}/alerts`;
}

/** Until every alert of `phase` is sent (its job done): only then may the bench delete its rows. */
async function waitAlertsSent(phase, proc) {
  await waitFor(`the ${phase} alerts sent`, async () => {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM "Alert" a JOIN bench_scheduled s ON s.obligation_id = a."obligationId" WHERE s.phase = $1 AND a."deliveredAt" IS NULL`,
      [phase],
    );
    return rows[0].n === 0;
  }, { timeoutMs: 180_000, intervalMs: 100, onTimeout: () => proc.logTail });
}

/** What the bus gave up on during the run: a healthy run has none, and a bench must not make its own. */
async function failures() {
  const { rows } = await db.query(`SELECT count(*)::int AS n, string_agg(DISTINCT left(reason, 200), '; ') AS reasons FROM "DeadLetter"`);
  return { deadLetters: rows[0].n, reasons: rows[0].reasons };
}
let scheduler = null; // the one running scheduler process, if any

class SchedulerProcess {
  constructor(env) {
    this.env = env;
    this.output = '';
  }

  get logTail() {
    return `\n--- scheduler output (tail) ---\n${this.output.slice(-4000)}`;
  }

  async start() {
    this.port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      NODE_ENV: 'development',
      // The scheduler's own login, as deployed; the bench seeds and reads as the owner.
      DATABASE_URL: schedulerDatabaseUrl(),
      REDIS_URL,
      QUEUE_PREFIX: PREFIX,
      OFFICE_API_KEY_SHA256: createHash('sha256').update(officeKey).digest('hex'),
      PORT: String(this.port),
      HOST: '127.0.0.1',
      SWEEP_BATCH_SIZE: String(BATCH),
      // The office's system: an alert with nowhere to go is a dead letter, which the bench must not make itself.
      OFFICE_WEBHOOK_URL: officeSystem.url,
      OFFICE_WEBHOOK_SECRET: OFFICE_WEBHOOK_SECRET,
      ...this.env,
    };
    this.startedAt = performance.now();
    const child = spawn(process.execPath, [SCHEDULER_MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the module's record of the one running process (stopped on exit), not a stand-in for `this`
    scheduler = this;
    const keep = (chunk) => {
      // Only the tail is kept: the drain logs a line per alert.
      this.output = (this.output + chunk).slice(-64_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    await waitFor(
      'the scheduler to answer GET /openapi.json',
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the scheduler exited (${child.exitCode ?? child.signalCode})${this.logTail}`);
        try {
          const response = await fetch(`http://127.0.0.1:${this.port}/openapi.json`);
          return response.ok;
        } catch {
          return false;
        }
      },
      // A loaded machine boots it in more than 30 s.
      { timeoutMs: 90_000, intervalMs: 100, onTimeout: () => this.logTail },
    );
    this.readyAt = performance.now();
    return this;
  }

  /** SIGTERM (graceful: the sweep finishes its transaction), SIGKILL after 20 s. */
  async stop() {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (scheduler === this) scheduler = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Database
// ---------------------------------------------------------------------------------------------

async function withServer(fn) {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase() {
  await withServer((c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`));
}

function migrateFresh() {
  execFileSync(process.execPath, [join(ROOT, 'scripts/migrate.mjs'), 'reset', '--create-db'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Not-yet-due open obligations, nextActionAt spread evenly over [from, from + spanMs). */
async function seedNotDue(db, count, from, spanMs) {
  await db.query(
    `INSERT INTO "Obligation" (id, "handoffId", rule, "responsibleAgency", "startAt", "dueAt", provisional, "missingYears",
                               "greenChannel", status, "nextLevel", "nextActionAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), gen_random_uuid(), $1, $2, d - interval '7 days', d, false, '{}', false, 'open', 'overdue', d, now(), now()
     FROM generate_series(0, $3::int - 1) AS g,
          LATERAL (SELECT $4::timestamptz + (g::float8 * $5::float8) * interval '1 millisecond' AS d) AS t`,
    [RULE, AGENCY, count, from, spanMs / count],
  );
}

/**
 * Open obligations with their Handoff rows, nextActionAt = dueAt = first - i × stepMs (i = 0..count-1;
 * stepMs < 0 spreads them into the future). Records each scheduled time in bench_scheduled under `phase`.
 */
async function seedWithHandoffs(db, phase, count, first, stepMs) {
  await db.query(
    `WITH src AS MATERIALIZED (
       SELECT gen_random_uuid() AS hid, gen_random_uuid() AS oid, g,
              $3::timestamptz - (g::float8 * $4::float8) * interval '1 millisecond' AS d
       FROM generate_series(0, $2::int - 1) AS g
     ), handoffs AS (
       INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "openedAt", "updatedAt")
       SELECT hid, 'judicial-referral', 'procuratorate', $6, '晋检司救〔2026〕' || $1 || '-' || (g + 1) || '号', 'received', 'normal',
              gen_random_uuid(), '{}'::jsonb, d - interval '7 days', d - interval '7 days'
       FROM src
     ), obligations AS (
       INSERT INTO "Obligation" (id, "handoffId", rule, "responsibleAgency", "startAt", "dueAt", provisional, "missingYears",
                                 "greenChannel", status, "nextLevel", "nextActionAt", "createdAt", "updatedAt")
       SELECT oid, hid, $5, $6, d - interval '7 days', d, false, '{}', false, 'open', 'overdue', d, now(), now()
       FROM src
     )
     INSERT INTO bench_scheduled (phase, obligation_id, scheduled_at) SELECT $1, oid, d FROM src`,
    [phase, count, first, stepMs, RULE, AGENCY],
  );
}

async function countAlerts(db, phase) {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM "Alert" a JOIN bench_scheduled s ON s.obligation_id = a."obligationId"
     WHERE s.phase = $1 AND a.level = 'overdue'`,
    [phase],
  );
  return rows[0].n;
}

function planNodes(node, out = []) {
  out.push(node);
  for (const child of node.Plans ?? []) planNodes(child, out);
  return out;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the claim query, in a transaction rolled back (it locks rows). */
async function explainClaim(db, now, runs = 7) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    await db.query('BEGIN');
    const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${CLAIM_SQL}`, [now, BATCH]);
    await db.query('ROLLBACK');
    const [plan] = rows[0]['QUERY PLAN'];
    const nodes = planNodes(plan.Plan);
    results.push({
      executionMs: plan['Execution Time'],
      planningMs: plan['Planning Time'],
      hit: plan.Plan['Shared Hit Blocks'],
      read: plan.Plan['Shared Read Blocks'],
      rows: plan.Plan['Actual Rows'],
      scan: nodes
        .filter((n) => /Scan/.test(n['Node Type']))
        .map((n) => `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`)
        .join(', '),
      indexes: nodes.map((n) => n['Index Name']).filter(Boolean),
    });
  }
  const first = results[0];
  const sorted = results.slice(1).sort((a, b) => a.executionMs - b.executionMs);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { first, median, runs: sorted.length };
}

async function explainText(db, now) {
  await db.query('BEGIN');
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${CLAIM_SQL}`, [now, BATCH]);
  await db.query('ROLLBACK');
  return rows.map((row) => row['QUERY PLAN']);
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

/** The bus's keys of our prefix: count and summed MEMORY USAGE; plus the server's used_memory. */
async function redisUsage(redis) {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length > 0) {
      const pipeline = redis.pipeline();
      for (const key of batch) pipeline.memory('USAGE', key);
      for (const [error, size] of await pipeline.exec()) {
        if (!error && typeof size === 'number') {
          keys++;
          bytes += size;
        }
      }
    }
  } while (cursor !== '0');
  const info = await redis.info('memory');
  const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
  return { keys, bytes, usedMemory };
}

async function deletePrefixKeys(redis) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
    cursor = next;
    // SCAN MATCH is a glob: recheck the literal prefix before deleting anything.
    const ours = batch.filter((key) => key.startsWith(`${PREFIX}:`));
    if (ours.length > 0) deleted += await redis.unlink(...ours);
  } while (cursor !== '0');
  return deleted;
}

// ---------------------------------------------------------------------------------------------
// Probes of message traffic while the sweep drains a backlog
// ---------------------------------------------------------------------------------------------

/**
 * Every ~100 ms, on its own connection: SELECT 1; a small insert (a new Handoff with its
 * 'received' step, one statement); then a StepRecorded event for it on the scheduler's queue,
 * timed from enqueue to the scheduler's worker finishing it (BullMQ's own timestamps). That is
 * the scheduler's real message path: Redis → worker → reconcile transaction in PostgreSQL.
 */
function startProbes(probeDb, queue, label) {
  const samples = { select: [], insert: [], message: [], failed: 0 };
  let stopped = false;
  const done = (async () => {
    let i = 0;
    while (!stopped) {
      const tick = performance.now();
      i++;
      let a = performance.now();
      await probeDb.query('SELECT 1');
      samples.select.push(performance.now() - a);

      const handoffId = randomUUID();
      const messageId = randomUUID();
      a = performance.now();
      await probeDb.query(
        `WITH h AS (
           INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "openedAt", "updatedAt")
           VALUES ($1, 'judicial-referral', 'procuratorate', $3, $4, 'received', 'normal', gen_random_uuid(), '{}'::jsonb, now(), now())
           RETURNING id
         )
         INSERT INTO "HandoffStep" (id, "handoffId", step, "actorAgency", "messageId", "occurredAt", details)
         SELECT gen_random_uuid(), id, 'received', $3, $2, now(), '{}'::jsonb FROM h`,
        [handoffId, messageId, AGENCY, `晋检司救〔2026〕probe-${label}-${i}号`],
      );
      samples.insert.push(performance.now() - a);

      const job = await queue.add(
        STEP_RECORDED,
        { messageId, type: STEP_RECORDED, schemaVersion: 1, handoffId, from: AGENCY, to: 'procuratorate' },
        { jobId: messageId, attempts: 1, removeOnComplete: false, removeOnFail: false },
      );
      const finished = await waitFor(
        `probe job ${job.id}`,
        async () => {
          const current = await Job.fromId(queue, job.id);
          return current?.finishedOn ? current : null;
        },
        { timeoutMs: 120_000, intervalMs: 10 },
      ).catch(() => null);
      if (!finished || finished.failedReason) samples.failed++;
      else samples.message.push(finished.finishedOn - finished.timestamp);

      const wait = 100 - (performance.now() - tick);
      if (wait > 0) await sleep(wait);
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await done;
      return samples;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

let db; // the bench's own connection to bus_bench
let probeDb;
let redis;
let queue;
let queueConnection;

async function machineFacts() {
  const cpus = os.cpus();
  const { rows } = await db.query(`SELECT version() AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm`);
  const redisInfo = await redis.info('server');
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // not a git checkout
  }
  log('== Deadline sweep benchmark ==');
  log(`date          ${new Date().toISOString()}   (commit ${commit}, working tree may differ)`);
  log(`node          ${process.version} on ${os.platform()} ${os.release()} ${os.arch()}`);
  log(`cpu           ${cpus.length} cores (os.cpus), ${os.availableParallelism?.() ?? cpus.length} available; ${cpus[0]?.model ?? '?'}`);
  log(`memory        ${fmt(os.totalmem() / 2 ** 30, 1)} GiB total, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log(`postgresql    ${rows[0].v.split(' on ')[0]}; shared_buffers ${rows[0].sb}, work_mem ${rows[0].wm}`);
  log(`redis         ${/redis_version:(\S+)/.exec(redisInfo)?.[1] ?? '?'}; BullMQ prefix "${PREFIX}"`);
  log(`scheduler     ${SCHEDULER_MAIN.replace(ROOT + '/', '')}, SWEEP_BATCH_SIZE ${BATCH}`);
  log(`database      ${DATABASE_URL}${KEEP ? ' (kept: --keep)' : ' (dropped at the end)'}`);
  log();
}

/** Phase 1: 1k due among N not-yet-due; EXPLAIN the claim and time a real scheduler firing them. */
async function volumeCase(notDue, now, clockBefore) {
  step(`case ${fmt(notDue)} not-yet-due + ${fmt(DUE)} due: seeding`);
  await db.query('TRUNCATE "AlertNote", "Alert", "Obligation", "HandoffStep", "Handoff", bench_scheduled CASCADE');
  const seedStart = performance.now();
  // Not yet due: from now + 1 h over the next 30 days (a realistic spread of 5-working-day duties).
  await seedNotDue(db, notDue, new Date(now.getTime() + HOUR), 30 * DAY);
  const seedNotDueMs = performance.now() - seedStart;
  // Due: within the last ~50 minutes (so 'overdue' fires and 'overdue-leader', ≥3 working days later, does not).
  await seedWithHandoffs(db, `due-${notDue}`, DUE, new Date(now.getTime() - 1000), 3000);
  const vacuumStart = performance.now();
  await db.query('VACUUM ANALYZE "Obligation"');
  await db.query('VACUUM ANALYZE "Handoff"');
  const vacuumMs = performance.now() - vacuumStart;
  const { rows: size } = await db.query(
    `SELECT pg_total_relation_size('"Obligation"') AS total, pg_relation_size('"Obligation_open_nextActionAt_idx"') AS idx,
            (SELECT count(*) FROM "Obligation" WHERE status = 'open')::int AS open`,
  );
  step(
    `  seeded ${fmt(notDue)} not-yet-due in ${ms(seedNotDueMs)} (single INSERT ... generate_series), VACUUM ANALYZE ${ms(vacuumMs)}; ` +
      `${fmt(size[0].open)} open, table+indexes ${fmt(size[0].total / 2 ** 20, 1)} MiB, partial index ${fmt(size[0].idx / 2 ** 20, 1)} MiB`,
  );

  const claim = await explainClaim(db, now);
  const idle = await explainClaim(db, clockBefore);
  const plan = notDue === NOT_DUE_LARGE ? await explainText(db, now) : null;

  // Each case starts from no keys of our prefix (the previous case's fired alerts are jobs there).
  await deletePrefixKeys(redis);
  const redisBefore = await redisUsage(redis);
  setClock(clockBefore); // nothing is due yet for the scheduler
  const proc = await new SchedulerProcess({ CLOCK_FILE: clockPath, SWEEP_INTERVAL_MS: '100' }).start();
  await sleep(500); // let it run a few idle passes
  const redisBooted = await redisUsage(redis);
  const early = await countAlerts(db, `due-${notDue}`);
  if (early !== 0) throw new Error(`${early} alerts fired before the clock moved`);

  // Several rounds on the same process: the first includes the scheduler's warm-up (JIT, pool).
  const phase = `due-${notDue}`;
  const rounds = [];
  for (let round = 1; round <= FIRE_ROUNDS; round++) {
    if (round > 1) {
      // Back to "nothing due", then make the same 1k due again: their alerts deleted, level reset.
      setClock(clockBefore);
      await sleep(300);
      await db.query(`DELETE FROM "Alert" a USING bench_scheduled s WHERE s.obligation_id = a."obligationId" AND s.phase = $1`, [phase]);
      await db.query(
        `UPDATE "Obligation" o SET "nextLevel" = 'overdue', "nextActionAt" = o."dueAt" FROM bench_scheduled s WHERE s.obligation_id = o.id AND s.phase = $1`,
        [phase],
      );
      await db.query('VACUUM "Obligation"');
    }
    const moved = performance.now();
    setClock(now);
    await waitFor(`${DUE} alerts`, async () => (await countAlerts(db, phase)) >= DUE, {
      timeoutMs: 120_000,
      intervalMs: 10,
      onTimeout: () => proc.logTail,
    });
    const fireMs = performance.now() - moved;
    const { rows: span } = await db.query(
      `SELECT extract(epoch FROM max(a."createdAt") - min(a."createdAt")) * 1000 AS span_ms, count(*)::int AS n
       FROM "Alert" a JOIN bench_scheduled s ON s.obligation_id = a."obligationId" WHERE s.phase = $1`,
      [phase],
    );
    const { rows: remaining } = await db.query(`SELECT count(*)::int AS n FROM "Obligation" WHERE status = 'open' AND "nextActionAt" <= $1`, [now]);
    rounds.push({ fireMs, spanMs: Number(span[0].span_ms), alerts: span[0].n, remaining: remaining[0].n });
    step(`  round ${round}: fired ${fmt(span[0].n)} alerts in ${ms(fireMs)} after the clock moved; still due afterwards: ${remaining[0].n}`);
    // The next round deletes these rows: a row deleted under its queued job would be a dead letter of the bench's making.
    await waitAlertsSent(phase, proc);
  }
  await proc.stop();
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    notDue,
    seedNotDueMs,
    claim,
    idle,
    plan,
    rounds,
    fireMs: median(rounds.map((r) => r.fireMs)),
    spanMs: median(rounds.map((r) => r.spanMs)),
    redisBefore,
    redisBooted,
    alerts: rounds.at(-1).alerts,
  };
}

async function main() {
  const overall = performance.now();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null, connectionName: 'sweep-bench' });

  // Fresh scratch database and prefix.
  await dropDatabase();
  migrateFresh();
  db = new pg.Client({ connectionString: DATABASE_URL, application_name: 'sweep-bench' });
  await db.connect();
  await db.query(`CREATE TABLE bench_scheduled (phase text NOT NULL, obligation_id uuid PRIMARY KEY, scheduled_at timestamptz(3) NOT NULL)`);
  const stale = await deletePrefixKeys(redis);
  await startOfficeSystem();
  await machineFacts();
  if (stale > 0) log(`(removed ${stale} stale "${PREFIX}:*" keys of an earlier run)\n`);
  const redisEmpty = await redisUsage(redis);

  // -------- 1. sweep cost vs not-yet-due volume (fixed "now" through CLOCK_FILE) --------
  log('-- 1. Sweep cost vs not-yet-due volume (CLOCK_FILE fixed "now", SWEEP_INTERVAL_MS 100) --');
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const clockBefore = new Date(now.getTime() - 2 * DAY);
  const small = await volumeCase(NOT_DUE_SMALL, now, clockBefore);
  const large = await volumeCase(NOT_DUE_LARGE, now, clockBefore);
  log();
  log(`Claim query (ObligationRepository.claimDue, LIMIT ${BATCH}), EXPLAIN (ANALYZE, BUFFERS), median of ${small.claim.runs} warm runs;`);
  log('"1st" = first run after seeding + VACUUM ANALYZE; rows = rows claimed by one pass:');
  table(
    ['open not-yet-due', 'due', 'exec ms (median)', 'exec ms (1st)', 'plan ms', 'shared hit', 'shared read', 'read (1st)', 'rows', 'scan'],
    [small, large].map((c) => [
      fmt(c.notDue),
      fmt(DUE),
      c.claim.median.executionMs.toFixed(3),
      c.claim.first.executionMs.toFixed(3),
      c.claim.median.planningMs.toFixed(3),
      c.claim.median.hit,
      c.claim.median.read,
      c.claim.first.read,
      c.claim.median.rows,
      c.claim.median.scan,
    ]),
  );
  log();
  log('Idle pass (nothing due: "now" 2 days earlier), same query:');
  table(
    ['open not-yet-due', 'exec ms (median)', 'shared hit', 'shared read', 'rows', 'scan'],
    [small, large].map((c) => [fmt(c.notDue), c.idle.median.executionMs.toFixed(3), c.idle.median.hit, c.idle.median.read, c.idle.median.rows, c.idle.median.scan]),
  );
  for (const c of [small, large]) {
    if (!c.claim.median.indexes.includes('Obligation_open_nextActionAt_idx')) log(`!! ${fmt(c.notDue)}: the claim did NOT use Obligation_open_nextActionAt_idx`);
  }
  log();
  log(`Plan with ${fmt(NOT_DUE_LARGE)} not yet due:`);
  for (const line of large.plan) log(`    ${line}`);
  log();
  log(`Real scheduler process firing the ${fmt(DUE)} due (clock file moved from now-2d to now; ${BATCH} per pass;`);
  log(`${FIRE_ROUNDS} rounds on one process, the same 1k made due again between rounds; round 1 includes warm-up):`);
  table(
    ['open not-yet-due', 'seed not-yet-due', 'clock move -> all fired (median)', 'first -> last alert (median)', 'per round: move -> all fired', 'alerts/round'],
    [small, large].map((c) => [
      fmt(c.notDue),
      ms(c.seedNotDueMs),
      ms(c.fireMs),
      ms(c.spanMs),
      c.rounds.map((r) => fmt(r.fireMs)).join(' / ') + ' ms',
      fmt(c.alerts),
    ]),
  );
  log();
  log(`Redis keys of prefix "${PREFIX}:" (sum of MEMORY USAGE) — due times are kept only in PostgreSQL:`);
  table(
    ['moment', 'open obligations', 'keys', 'memory of keys', 'server used_memory (shared)'],
    [
      ['start (nothing seeded)', '0', redisEmpty.keys, kib(redisEmpty.bytes), kib(redisEmpty.usedMemory)],
      ['seeded, before scheduler boot', fmt(small.notDue + DUE), small.redisBefore.keys, kib(small.redisBefore.bytes), kib(small.redisBefore.usedMemory)],
      ['seeded, scheduler booted, idle', fmt(small.notDue + DUE), small.redisBooted.keys, kib(small.redisBooted.bytes), kib(small.redisBooted.usedMemory)],
      ['seeded, before scheduler boot', fmt(large.notDue + DUE), large.redisBefore.keys, kib(large.redisBefore.bytes), kib(large.redisBefore.usedMemory)],
      ['seeded, scheduler booted, idle', fmt(large.notDue + DUE), large.redisBooted.keys, kib(large.redisBooted.bytes), kib(large.redisBooted.usedMemory)],
    ],
  );
  log('  (keys of the prefix are removed before each case; the scheduler is stopped meanwhile)');
  log();

  // -------- 2. lateness on the real clock --------
  log(`-- 2. Lateness on the real clock (no CLOCK_FILE, SWEEP_INTERVAL_MS default 1000), ${fmt(NOT_DUE_LARGE)} not yet due in the table --`);
  const realtime = await new SchedulerProcess({}).start();
  await sleep(1500);
  const first = new Date(Date.now() + 5000);
  // nextActionAt = dueAt spread over [now+5 s, now+25 s); scheduled times kept in bench_scheduled.
  await seedWithHandoffs(db, 'lateness', LATENESS_N, first, -LATENESS_SPREAD_MS / LATENESS_N);
  step(`  inserted ${fmt(LATENESS_N)} obligations due between +5 s and +${(5000 + LATENESS_SPREAD_MS) / 1000} s`);
  await waitFor(`${LATENESS_N} lateness alerts`, async () => (await countAlerts(db, 'lateness')) >= LATENESS_N, {
    timeoutMs: LATENESS_SPREAD_MS + 60_000,
    intervalMs: 250,
    onTimeout: () => realtime.logTail,
  });
  await waitFor('the lateness alerts to be published', async () => {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM "Alert" a JOIN bench_scheduled s ON s.obligation_id = a."obligationId" WHERE s.phase = 'lateness' AND a."publishedAt" IS NULL`,
    );
    return rows[0].n === 0;
  }, { timeoutMs: 60_000, intervalMs: 250, onTimeout: () => realtime.logTail });
  const { rows: late } = await db.query(
    `SELECT extract(epoch FROM a."createdAt" - s.scheduled_at) * 1000 AS created, extract(epoch FROM a."publishedAt" - s.scheduled_at) * 1000 AS published
     FROM "Alert" a JOIN bench_scheduled s ON s.obligation_id = a."obligationId" WHERE s.phase = 'lateness'`,
  );
  const created = summary(late.map((r) => Number(r.created)));
  const published = summary(late.map((r) => Number(r.published)));
  log(`Lateness of ${fmt(created.n)} alerts = alert time - scheduled nextActionAt (ms; negative would mean early):`);
  table(
    ['measured at', 'p50', 'p95', 'p99', 'max', 'min'],
    [
      ['Alert.createdAt (sweep wrote it)', fmt(created.p50), fmt(created.p95), fmt(created.p99), fmt(created.max), fmt(Math.min(...late.map((r) => Number(r.created))))],
      [`Alert.publishedAt (on ${OFFICE_ALERTS_QUEUE})`, fmt(published.p50), fmt(published.p95), fmt(published.p99), fmt(published.max), fmt(Math.min(...late.map((r) => Number(r.published))))],
    ],
  );
  log();

  // -------- 3. drain after an outage --------
  log(`-- 3. Drain of ${fmt(DRAIN_N)} overdue after a scheduler outage (real clock, SWEEP_INTERVAL_MS 1000, batch ${BATCH}) --`);
  queueConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null, connectionName: 'sweep-bench-queue' });
  queue = new Queue(SCHEDULER_QUEUE, { prefix: PREFIX, connection: queueConnection });
  probeDb = new pg.Client({ connectionString: DATABASE_URL, application_name: 'sweep-bench-probe' });
  await probeDb.connect();
  step('  baseline probes for 5 s, scheduler idle');
  const baselineProbe = startProbes(probeDb, queue, 'baseline');
  await sleep(5000);
  const baseline = await baselineProbe.stop();
  await realtime.stop();
  step('  scheduler stopped (outage); seeding the backlog');
  const drainSeed = performance.now();
  // Overdue for between 1 min and ~14 h (0.5 s apart): 'overdue' fires, 'overdue-leader' (≥3 working days) not yet.
  await seedWithHandoffs(db, 'drain', DRAIN_N, new Date(Date.now() - 60_000), 500);
  await db.query('VACUUM ANALYZE "Obligation"');
  await db.query('VACUUM ANALYZE "Handoff"');
  step(`  seeded ${fmt(DRAIN_N)} overdue obligations + handoffs in ${ms(performance.now() - drainSeed)} (incl. VACUUM ANALYZE)`);
  const { rows: before } = await db.query(`SELECT count(*)::int AS n FROM "Alert"`);
  const redisBeforeDrain = await redisUsage(redis);

  const drainStart = performance.now();
  const drainer = new SchedulerProcess({});
  // Probes start once the scheduler answers HTTP (its sweep starts a little earlier, at bootstrap).
  await drainer.start();
  const bootMs = drainer.readyAt - drainer.startedAt;
  const drainProbe = startProbes(probeDb, queue, 'drain');
  let lastReport = performance.now();
  let drained;
  await waitFor(`${DRAIN_N} drained alerts`, async () => {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "Alert"`);
    const n = rows[0].n - before[0].n;
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      step(`    ${fmt(n)} / ${fmt(DRAIN_N)} fired`);
    }
    if (n >= DRAIN_N) drained = n;
    return n >= DRAIN_N;
  }, { timeoutMs: 15 * 60_000, intervalMs: 100, onTimeout: () => drainer.logTail });
  const drainMs = performance.now() - drainStart;
  const during = await drainProbe.stop();
  const { rows: span } = await db.query(
    `SELECT extract(epoch FROM max(a."createdAt") - min(a."createdAt")) * 1000 AS span_ms,
            count(*) FILTER (WHERE a.level = 'overdue')::int AS overdue, count(*)::int AS n
     FROM "Alert" a JOIN bench_scheduled s ON s.obligation_id = a."obligationId" WHERE s.phase = 'drain'`,
  );
  const { rows: still } = await db.query(`SELECT count(*)::int AS n FROM "Obligation" WHERE status = 'open' AND "nextActionAt" <= now()`);
  step(`  drained; waiting (max 3 min) for the relay to publish every alert to ${OFFICE_ALERTS_QUEUE}`);
  let publishedMs = NaN;
  await waitFor('every alert published', async () => {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "Alert" WHERE "publishedAt" IS NULL`);
    return rows[0].n === 0;
  }, { timeoutMs: 180_000, intervalMs: 250 })
    .then(() => (publishedMs = performance.now() - drainStart))
    .catch(() => undefined);
  const officeQueue = new Queue(OFFICE_ALERTS_QUEUE, { prefix: PREFIX, connection: queueConnection });
  const officeCounts = await officeQueue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  await officeQueue.close();
  const redisAfterDrain = await redisUsage(redis);
  await drainer.stop();

  log();
  table(
    ['backlog', 'scheduler boot', 'spawn -> all fired', 'rate', 'first -> last alert', 'overdue alerts', 'still due after', 'all published to Redis'],
    [[
      fmt(DRAIN_N),
      ms(bootMs),
      `${fmt(drainMs / 1000, 1)} s`,
      `${fmt(drained / (drainMs / 1000))} /s`,
      `${fmt(Number(span[0].span_ms) / 1000, 1)} s (${fmt(span[0].n / (Number(span[0].span_ms) / 1000))} /s)`,
      fmt(span[0].overdue),
      fmt(still[0].n),
      Number.isNaN(publishedMs) ? 'not within 3 min' : `${fmt(publishedMs / 1000, 1)} s after spawn`,
    ]],
  );
  log();
  log('Message traffic while draining vs idle (probe every ~100 ms on its own connection; ms):');
  const probeRow = (label, what, values) => {
    const s = summary(values);
    return [label, what, fmt(s.n), s.p50.toFixed(1), s.p95.toFixed(1), s.p99.toFixed(1), s.max.toFixed(1)];
  };
  table(
    ['when', 'probe', 'n', 'p50', 'p95', 'p99', 'max'],
    [
      probeRow('idle', 'SELECT 1', baseline.select),
      probeRow('idle', 'insert handoff+step', baseline.insert),
      probeRow('idle', 'step event via scheduler queue', baseline.message),
      probeRow('draining', 'SELECT 1', during.select),
      probeRow('draining', 'insert handoff+step', during.insert),
      probeRow('draining', 'step event via scheduler queue', during.message),
    ],
  );
  if (baseline.failed + during.failed > 0) log(`  !! ${baseline.failed + during.failed} probe step events failed or timed out`);
  const { rows: probeObligations } = await db.query(
    `SELECT count(*)::int AS n FROM "Obligation" o JOIN "Handoff" h ON h.id = o."handoffId" WHERE h."caseRef" LIKE '%probe-%'`,
  );
  log(`  (step event = enqueue on ${PREFIX}:${SCHEDULER_QUEUE} -> scheduler worker reconciled it in PostgreSQL; ${fmt(probeObligations[0].n)} probe obligations created)`);
  log();
  log(`Redis keys of prefix "${PREFIX}:" around the drain (alerts are messages, one ${OFFICE_ALERTS_QUEUE} job each, kept 7 days):`);
  table(
    ['moment', 'keys', 'memory of keys', 'server used_memory (shared)'],
    [
      ['before the drain', redisBeforeDrain.keys, kib(redisBeforeDrain.bytes), kib(redisBeforeDrain.usedMemory)],
      ['after the drain', redisAfterDrain.keys, kib(redisAfterDrain.bytes), kib(redisAfterDrain.usedMemory)],
    ],
  );
  log(`  ${OFFICE_ALERTS_QUEUE} job counts after the drain: ${JSON.stringify(officeCounts)}; the office's system received ${fmt(officeSystem.received)} alerts in all`);
  const failed = await failures();
  log(`  dead letters of the whole run: ${failed.deadLetters}${failed.reasons ? ` (${failed.reasons})` : ''}`);
  if (failed.deadLetters > 0) throw new Error(`the bus gave up on ${failed.deadLetters} jobs during the run: its figures are not those of a healthy bus`);
  log();
  log(`total runtime ${fmt((performance.now() - overall) / 1000, 1)} s`);
}

// ---------------------------------------------------------------------------------------------
// Cleanup: always, also on failure or Ctrl-C
// ---------------------------------------------------------------------------------------------

let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    const problems = [];
    const attempt = async (what, fn) => {
      try {
        await fn();
      } catch (error) {
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    await attempt('stop scheduler', async () => scheduler?.stop());
    await attempt('close queue', async () => {
      if (!queue) return;
      await queue.close();
      await queueConnection.quit();
    });
    await attempt('close probe connection', async () => probeDb?.end());
    await attempt('stop the office system', async () => new Promise((resolve) => (officeSystem.server ? officeSystem.server.close(resolve) : resolve())));
    await attempt('close bench connection', async () => db?.end());
    await attempt('delete prefix keys', async () => {
      if (!redis) return;
      const deleted = await deletePrefixKeys(redis);
      const left = (await redisUsage(redis)).keys;
      log(`cleanup: removed ${fmt(deleted)} Redis keys "${PREFIX}:*" (${left} left)`);
      await redis.quit();
    });
    await attempt('drop database', async () => {
      if (KEEP) {
        log(`cleanup: database ${DB_NAME} kept (--keep)`);
        return;
      }
      await dropDatabase();
      log(`cleanup: database ${DB_NAME} dropped`);
    });
    rmSync(clockDir, { recursive: true, force: true });
    for (const problem of problems) console.error(`cleanup problem: ${problem}`);
    return problems.length === 0;
  })();
  return cleaning;
}

// A SIGKILL-free exit path for a child left behind by an uncaught error.
process.on('exit', () => {
  const child = scheduler?.child;
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}

let ok = false;
try {
  await main();
  ok = true;
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
} finally {
  const clean = await cleanup();
  process.exitCode = ok && clean ? 0 : 1;
}
