import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { UnitCode } from '#contracts';
import { AdapterProcess } from '../../support/adapter-process.js';
import { RedisServer } from '../../support/redis-server.js';
import { SchedulerProcess, type TestClock } from '../../support/scheduler-process.js';
import type { ServiceProcess } from '../../support/service-process.js';
import { SharedAdapterProcess } from '../../support/shared-adapter-process.js';
import { FaultyUnitSystem } from './faulty-unit-system.js';
import { type AcceptedHandoff, LoadGenerator, type LoadOptions } from './load.js';
import { PostgresServer, type PostgresServerOptions } from './postgres-server.js';

const run = promisify(execFile);

/** The units of every scenario: the sender, a webhook unit, a pull unit. */
export const SENDER: UnitCode = 'procuratorate';
export const WEBHOOK_UNIT: UnitCode = 'civil-affairs';
export const PULL_UNIT: UnitCode = 'education';
export const RECIPIENTS = [WEBHOOK_UNIT, PULL_UNIT];
/** The deadline every received referral must have (第二十一条): procedure started within 5 working days. */
export const RECEIVER_RULE = 'procedure-started-after-receipt';

/** A burst's size: FAULT_BURST requests (each opens one handoff per recipient). */
export const BURST = Number(process.env.FAULT_BURST || 60);
/** How long a scenario waits for everything accepted to arrive once its fault is over. */
export const SETTLE_MS = Number(process.env.FAULT_SETTLE_SECONDS || 90) * 1_000;

/** A clock in a file that a process reads when set; absent file = the system clock. */
export class FileClockHandle implements Pick<TestClock, 'path' | 'set'> {
  readonly path: string;

  constructor(folder: string, name: string) {
    this.path = join(folder, name);
  }

  set(instant: Date): void {
    writeFileSync(this.path, instant.toISOString());
  }

  clear(): void {
    rmSync(this.path, { force: true });
  }
}

export interface FaultBusOptions {
  /** extra environment of every adapter */
  adapterEnv?: Record<string, string>;
  schedulerEnv?: Record<string, string>;
  /** start the apps (false: the scenario starts them itself) */
  start?: boolean;
  /** set on Redis before the apps start, e.g. { 'maxmemory-policy': 'allkeys-lru' } */
  redisConfig?: Record<string, string>;
  /** how the private PostgreSQL runs (the benchmark: durable, with pg_stat_statements) */
  postgres?: PostgresServerOptions;
  /** the queue backend of every app (default redis) */
  queueBackend?: 'redis' | 'postgres';
  /** the units' adapters in one process (ADAPTER_UNITS, multi-main.ts) instead of one process each (the benchmark's memory figures) */
  sharedAdapters?: boolean;
  /** more units' adapters (pull) that only idle beside the three: a larger site's memory (the benchmark) */
  idleUnits?: readonly UnitCode[];
}

/** Where a unit's system reaches its adapter, whether the adapter has a process of its own or shares one. */
export interface UnitEndpoint {
  baseUrl: string;
  apiKey: string;
  running: boolean;
}

/** What a scenario found at its end: one row of the suite's table. */
export interface Outcome {
  scenario: string;
  accepted: number;
  delivered: number;
  lost: number;
  doubled: number;
  webhookRepeats: number;
  recoverySeconds: number | null;
  untrackedDeadlines: number;
  escalationsMissed: number;
  escalationsDoubled: number;
  /** a restore drill: the handoffs `npm run ops -- orphans` listed for their senders to send again */
  listedForResend?: number;
  notes: string[];
  /** the scenario's test passed (set once it has run) */
  passed?: boolean;
  /** the first line of its failure */
  failure?: string;
}

/**
 * One scenario's whole bus, private to it: its own redis-server and PostgreSQL on free ports (the
 * shared ones on 6379 and 5432 are never touched), migrated; the sender (procuratorate), a webhook
 * unit (civil-affairs) whose system is a stand-in that can fail, hang or answer slowly, a pull unit
 * (education) whose system pulls and acknowledges its inbox, and the scheduler with the office's
 * webhook. Adapters and scheduler read "now" from clock files a scenario may set.
 */
export class FaultBus {
  readonly adapters = new Map<UnitCode, AdapterProcess>();
  /** with `sharedAdapters`: the one process of every unit's adapter (then `adapters` is empty) */
  shared?: SharedAdapterProcess;
  scheduler!: SchedulerProcess;
  readonly systems = new FaultyUnitSystem();
  readonly adapterClock: FileClockHandle;
  readonly schedulerClock: FileClockHandle;
  readonly queuePrefix = 'fault';
  /** message ids the pull unit's system has taken from GET /inbox, with how often each was listed after its ack */
  readonly pulled = new Map<string, number>();
  /** performance.now() when each message id was first listed by the pull unit's system (the benchmark's delivery time) */
  readonly pulledAt = new Map<string, number>();
  private readonly acknowledged = new Set<string>();
  private pulling = false;
  /** items per GET /inbox of the pull unit's system (the benchmark lists fewer: a long list under load outlasts the 10 s timeout) */
  pullLimit = 200;
  private puller?: Promise<void>;
  private pool?: pg.Pool;
  private faultEndedAt = Date.now();
  private lastPulledAt = 0;
  /** the scenario wrote its row */
  recorded = false;
  private readonly folder = mkdtempSync(join(tmpdir(), 'bus-fault-'));
  /** start the apps one after another (the benchmark's 13 separate adapters: all at once on 2 cores, some take more than the 90 s a start may) */
  private startOneByOne = false;

  private constructor(
    readonly scenario: string,
    readonly redis: RedisServer,
    readonly postgres: PostgresServer,
  ) {
    this.adapterClock = new FileClockHandle(this.folder, 'adapters-now');
    this.schedulerClock = new FileClockHandle(this.folder, 'scheduler-now');
  }

  static async start(scenario: string, options: FaultBusOptions = {}): Promise<FaultBus> {
    const [redis, postgres] = await Promise.all([RedisServer.start(), PostgresServer.create(options.postgres)]);
    const bus = new FaultBus(scenario, redis, postgres);
    process.once('exit', () => rmSync(bus.folder, { recursive: true, force: true }));
    try {
      await run(process.execPath, ['scripts/migrate.mjs', 'deploy'], { env: { ...process.env, DATABASE_URL: postgres.url } });
      if (options.redisConfig) {
        const admin = new Redis(redis.url);
        for (const [key, value] of Object.entries(options.redisConfig)) await admin.config('SET', key, value);
        admin.disconnect();
      }
      await bus.systems.start();
      const common = {
        QUEUE_BACKEND: options.queueBackend ?? 'redis',
        LOG_LEVEL: 'warn',
        WORKER_LOCK_MS: '2000',
        // Retries back off to at most 2 s; the reconciler looks every 5 s at rows older than 5 s.
        RETRY_MAX_BACKOFF_MS: '2000',
        RECONCILE_INTERVAL_MS: '5000',
        RECONCILE_GRACE_MS: '5000',
      };
      const units = [SENDER, WEBHOOK_UNIT, PULL_UNIT, ...(options.idleUnits ?? [])];
      bus.startOneByOne = (options.idleUnits?.length ?? 0) > 0;
      const delivery = (code: UnitCode) =>
        code === WEBHOOK_UNIT ? { mode: 'webhook' as const, url: bus.systems.url(code), secret: `secret-of-${code}-0123456789` } : { mode: 'pull' as const };
      const adapterEnv = { ...common, CLOCK_FILE: bus.adapterClock.path, ...options.adapterEnv };
      if (options.sharedAdapters) {
        bus.shared = await SharedAdapterProcess.create({
          databaseUrl: postgres.url,
          redisUrl: redis.url,
          queuePrefix: bus.queuePrefix,
          units: Object.fromEntries(units.map((code) => [code, { delivery: delivery(code) }])),
          extraEnv: adapterEnv,
        });
      } else {
        for (const code of units) {
          bus.adapters.set(
            code,
            new AdapterProcess({ agency: code, databaseUrl: postgres.url, redisUrl: redis.url, queuePrefix: bus.queuePrefix, delivery: delivery(code), extraEnv: adapterEnv }),
          );
        }
      }
      bus.scheduler = new SchedulerProcess({
        databaseUrl: postgres.url,
        redisUrl: redis.url,
        queuePrefix: bus.queuePrefix,
        clock: bus.schedulerClock,
        officeWebhook: { url: bus.systems.url('office'), secret: 'secret-of-the-office-0123456789' },
        extraEnv: { ...common, SWEEP_INTERVAL_MS: '200', ...options.schedulerEnv },
      });
      if (options.start !== false) await bus.startAll();
    } catch (error) {
      await bus.stop();
      throw error;
    }
    return bus;
  }

  adapter(code: UnitCode): AdapterProcess {
    const adapter = this.adapters.get(code);
    if (!adapter) throw new Error(`no ${code} adapter in this bus`);
    return adapter;
  }

  /** A unit's adapter as its system reaches it, in its own process or the shared one. */
  endpoint(code: UnitCode): UnitEndpoint {
    return this.shared ? this.shared.unit(code) : this.adapter(code);
  }

  get apps(): ServiceProcess[] {
    return [...this.adapters.values(), ...(this.shared ? [this.shared] : []), this.scheduler];
  }

  async startAll(): Promise<void> {
    if (this.startOneByOne) for (const app of this.apps) await app.start();
    else await Promise.all(this.apps.map((app) => app.start()));
    this.startPulling();
  }

  /** The bus's database, for the scenario's own checks. */
  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.postgres.url, max: 2, connectionTimeoutMillis: 5_000 });
      this.pool.on('error', () => undefined); // the scenario may stop PostgreSQL under it
    }
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.query<{ n: string }>(sql, params);
    return Number(row.n);
  }

  load(options: Partial<LoadOptions> = {}): LoadGenerator {
    return new LoadGenerator(() => this.adapter(SENDER), { requests: BURST, recipients: RECIPIENTS, ...options });
  }

  /** The fault is over (a process is back, a server restarted): recovery is measured from here. */
  faultEnded(): void {
    this.faultEndedAt = Date.now();
  }

  /** The operator CLI (`npm run ops -- ...`) against this bus. */
  async ops(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { ...process.env, DATABASE_URL: this.postgres.url, REDIS_URL: this.redis.url, QUEUE_BACKEND: 'redis', QUEUE_PREFIX: this.queuePrefix, BUS_PREFIX: this.queuePrefix };
    try {
      const { stdout, stderr } = await run('npm', ['run', '--silent', 'ops', '--', ...args], { env, timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string; message: string };
      return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? failed.message };
    }
  }

  /**
   * The pull unit's system: lists GET /inbox and acknowledges what it took, as a unit would. A
   * message listed again after its acknowledgement is counted (a pull repeat).
   */
  startPulling(): void {
    if (this.pulling) return;
    this.pulling = true;
    this.puller = (async () => {
      while (this.pulling) {
        try {
          const adapter = this.endpoint(PULL_UNIT);
          const call = async (method: string, path: string) => {
            // A POST carries an (empty) JSON body: fetch sends Content-Length: 0 without one, and
            // the adapter refuses a body that is not JSON with 415 — every ack was refused so.
            const post = method === 'POST';
            const response = await fetch(`${adapter.baseUrl}${path}`, {
              method,
              headers: { authorization: `Bearer ${adapter.apiKey}`, ...(post ? { 'content-type': 'application/json' } : {}) },
              body: post ? '{}' : undefined,
              signal: AbortSignal.timeout(10_000),
            });
            return { ok: response.ok, body: response.ok ? ((await response.json()) as unknown) : await response.text() };
          };
          const listed = adapter.running ? await call('GET', `/inbox?limit=${this.pullLimit}`) : undefined;
          const items = (listed?.ok ? (listed.body as { items: { messageId: string }[] }).items : []);
          for (const { messageId } of items) {
            const seen = this.pulled.get(messageId);
            if (seen === undefined) {
              this.lastPulledAt = Date.now();
              this.pulledAt.set(messageId, performance.now());
            }
            // Listed again although its acknowledgement was answered 2xx: a repeat.
            this.pulled.set(messageId, (seen ?? 0) + (this.acknowledged.has(messageId) ? 1 : 0));
          }
          for (let i = 0; i < items.length; i += 10) {
            await Promise.all(
              items.slice(i, i + 10).map(async ({ messageId }) => {
                const acked = await call('POST', `/inbox/${messageId}/ack`).catch(() => ({ ok: false }));
                if (acked.ok) this.acknowledged.add(messageId);
              }),
            );
          }
          if (items.length < this.pullLimit) await new Promise((r) => setTimeout(r, 300));
        } catch {
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
  }

  /** Stops the pull unit's system (before the apps are stopped gracefully: its requests would hold the HTTP server open). */
  async stopPulling(): Promise<void> {
    this.pulling = false;
    await this.puller;
  }

  /** Whether an accepted handoff reached its unit's system: a 2xx webhook answer, or a pull. */
  reached(handoff: AcceptedHandoff): boolean {
    return handoff.to === WEBHOOK_UNIT ? (this.systems.of(WEBHOOK_UNIT).accepted.get(handoff.messageId) ?? 0) > 0 : this.pulled.has(handoff.messageId);
  }

  /**
   * The end of a scenario: waits (up to SETTLE_MS) for every accepted handoff to reach its unit's
   * system, then counts doubles, repeats, deadlines and, with the scheduler's clock moved past every
   * due date, escalations. Never throws for a finding: the row says it, the test asserts it.
   */
  async settle(
    load: Pick<LoadGenerator, 'accepted' | 'abandoned'>,
    options: { escalations?: boolean; settleMs?: number; duringEscalations?: () => Promise<void>; extra?: AcceptedHandoff[] } = {},
  ): Promise<Outcome> {
    const accepted = [...load.accepted, ...(options.extra ?? [])];
    const notes: string[] = [];
    const deadline = Date.now() + (options.settleMs ?? SETTLE_MS);
    let missing = accepted.filter((h) => !this.reached(h));
    while (missing.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      missing = missing.filter((h) => !this.reached(h));
    }
    const lastArrival = Math.max(this.systems.lastAcceptedAt, this.lastPulledAt);
    const recoverySeconds = missing.length === 0 ? Math.max(0, Math.round((lastArrival - this.faultEndedAt) / 100) / 10) : null;
    if (missing.length > 0) {
      const sample = missing.slice(0, 5).map((h) => `${h.to}:${h.messageId}`);
      notes.push(`lost after ${Math.round((options.settleMs ?? SETTLE_MS) / 1000)} s: ${sample.join(', ')}${missing.length > 5 ? ', …' : ''}`);
      const states = await this.query<{ to: string; state: string; n: string }>(
        `SELECT m."toAgency" AS to,
                CASE WHEN i."messageId" IS NULL THEN (CASE WHEN o."publishedAt" IS NULL THEN 'unpublished' WHEN o."consumedAt" IS NULL THEN 'published, not consumed' ELSE 'consumed, no inbox row' END)
                     ELSE 'inbox ' || i."deliveryStatus"::text END AS state, count(*) AS n
         FROM "Message" m LEFT JOIN "OutboxEntry" o ON o."messageId" = m.id LEFT JOIN "InboxEntry" i ON i."messageId" = m.id AND i.agency = m."toAgency"
         WHERE m.id = ANY($1::uuid[]) GROUP BY 1, 2`,
        [missing.map((h) => h.messageId)],
      ).catch(() => []);
      for (const row of states) notes.push(`${row.n} to ${row.to}: ${row.state}`);
      const dead = await this.count(`SELECT count(*) AS n FROM "DeadLetter"`).catch(() => -1);
      notes.push(`DeadLetter rows: ${dead}`);
    }

    // Doubles: a handoff taken into its receiver's inbox under more than one message, or a handoff
    // opened twice for one request (a retried POST that the idempotency record did not catch).
    const doubledInbox = await this.count(
      `SELECT count(*) AS n FROM (SELECT "handoffId" FROM "InboxEntry" WHERE type = 'handoff.judicial-referral' GROUP BY agency, "handoffId" HAVING count(*) > 1) d`,
    );
    const handoffsInDb = await this.count(`SELECT count(*) AS n FROM "Handoff" WHERE "fromAgency" = $1`, [SENDER]);
    const extraHandoffs = Math.max(0, handoffsInDb - accepted.length - load.abandoned * RECIPIENTS.length);
    if (extraHandoffs > 0) notes.push(`${extraHandoffs} handoffs opened beyond the accepted ones`);
    const pullRepeats = [...this.pulled.values()].reduce((a, b) => a + b, 0);
    if (pullRepeats > 0) notes.push(`${pullRepeats} inbox items listed again after their ack was answered 2xx`);

    // Deadlines: every received handoff has its receiver's obligation.
    const receivedIds = accepted.filter((h) => this.reached(h)).map((h) => h.handoffId);
    let untracked = receivedIds.length;
    const trackedBy = Date.now() + 60_000;
    while (Date.now() < trackedBy) {
      const tracked = await this.count(`SELECT count(DISTINCT "handoffId") AS n FROM "Obligation" WHERE rule = $1 AND "handoffId" = ANY($2::uuid[])`, [
        RECEIVER_RULE,
        receivedIds,
      ]).catch(() => 0);
      untracked = receivedIds.length - tracked;
      if (untracked === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }

    const escalations = options.escalations === false ? { missed: 0, doubled: 0 } : await this.checkEscalations(receivedIds, notes, { beforeSettled: options.duringEscalations });
    // A fault during the escalations (the scheduler killed): recovery runs to the office's last alert.
    const recovered = options.duringEscalations && missing.length === 0 ? Math.max(0, Math.round((this.systems.lastAcceptedAt - this.faultEndedAt) / 100) / 10) : recoverySeconds;
    const outcome: Outcome = {
      scenario: this.scenario,
      accepted: accepted.length,
      delivered: accepted.length - missing.length,
      lost: missing.length,
      doubled: doubledInbox + extraHandoffs,
      webhookRepeats: this.systems.repeats(WEBHOOK_UNIT),
      recoverySeconds: recovered,
      untrackedDeadlines: untracked,
      escalationsMissed: escalations.missed,
      escalationsDoubled: escalations.doubled,
      notes,
    };
    return outcome;
  }

  /**
   * Moves the scheduler's clock 60 days on, past every due date and every leader escalation, waits
   * until the sweep has nothing due and every alert reached the office, then checks that each
   * received handoff's obligation was escalated once per level (overdue, overdue-leader).
   */
  async checkEscalations(handoffIds: string[], notes: string[], options: { beforeSettled?: () => Promise<void> } = {}): Promise<{ missed: number; doubled: number }> {
    const later = new Date(Date.now() + 60 * 86_400_000);
    this.schedulerClock.set(later);
    await options.beforeSettled?.();
    const settleBy = Date.now() + 120_000;
    let pending = -1;
    while (Date.now() < settleBy) {
      pending = await this.count(
        `SELECT (SELECT count(*) FROM "Obligation" WHERE status = 'open' AND "nextActionAt" <= $1)
              + (SELECT count(*) FROM "Alert" WHERE "webhookDeliveredAt" IS NULL AND recipients::text LIKE '%"office"%') AS n`,
        [later],
      ).catch(() => -1);
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (pending !== 0) notes.push(`escalations not settled after 120 s (${pending} obligations due or alerts undelivered)`);
    const rows = await this.query<{ level: string; n: string }>(
      `SELECT a.level, count(*) AS n FROM "Alert" a JOIN "Obligation" o ON o.id = a."obligationId"
       WHERE o.rule = $1 AND o."handoffId" = ANY($2::uuid[]) GROUP BY a.level`,
      [RECEIVER_RULE, handoffIds],
    );
    const byLevel = Object.fromEntries(rows.map((row) => [row.level, Number(row.n)]));
    const missed = Math.max(0, handoffIds.length - (byLevel.overdue ?? 0)) + Math.max(0, handoffIds.length - (byLevel['overdue-leader'] ?? 0));
    const dbDoubles = await this.count(
      `SELECT count(*) AS n FROM (SELECT "obligationId", level FROM "Alert" WHERE "obligationId" IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) d`,
    );
    const officeRepeats = this.systems.repeats('office');
    if (officeRepeats > 0) notes.push(`${officeRepeats} alerts posted to the office more than once`);
    return { missed, doubled: dbDoubles + officeRepeats };
  }

  /**
   * Lines the apps printed that are not JSON log records (every error goes through
   * the JSON logger; ioredis' "Unhandled error event" traces did not).
   */
  nonJsonLines(): string[] {
    const lines: string[] = [];
    for (const app of this.apps) {
      for (const line of app.log.split('\n')) {
        if (line.trim() === '') continue;
        try {
          JSON.parse(line);
        } catch {
          lines.push(line.slice(0, 160));
        }
      }
    }
    return lines;
  }

  /** Writes this scenario's row for the suite's table (scripts/fault-table.mjs prints them). */
  record(outcome: Outcome): void {
    this.recorded = true;
    const dir = process.env.FAULT_RESULTS_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${outcome.scenario}.json`), JSON.stringify(outcome, null, 2));
  }

  /** Stops everything this bus started and removes its folders; safe to call twice. */
  async stop(): Promise<void> {
    this.pulling = false;
    // FAULT_LOG_DIR: keep what each app printed, for a failing scenario's diagnosis.
    const logDir = process.env.FAULT_LOG_DIR;
    if (logDir) {
      const dir = join(logDir, this.scenario.replace(/[^\w-]+/g, '-'));
      mkdirSync(dir, { recursive: true });
      for (const app of this.apps.filter(Boolean)) writeFileSync(join(dir, `${app.name.replace(/[^\w-]+/g, '-')}.log`), app.log);
      writeFileSync(join(dir, 'postgres.log'), this.postgres.log);
    }
    for (const app of this.apps.filter(Boolean)) {
      app.send('SIGCONT');
      await app.kill();
    }
    await this.puller;
    await this.pool?.end().catch(() => undefined);
    this.pool = undefined;
    await this.systems.stop().catch(() => undefined);
    await this.redis.kill();
    await this.postgres.destroy();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Adds the test's verdict to a scenario's row (the table's last column). */
export function recordVerdict(scenario: string, error?: unknown): void {
  const dir = process.env.FAULT_RESULTS_DIR;
  if (!dir) return;
  const file = join(dir, `${scenario}.json`);
  if (!existsSync(file)) return;
  const outcome = JSON.parse(readFileSync(file, 'utf8')) as Outcome;
  outcome.passed = error === undefined;
  if (error !== undefined) outcome.failure = (error instanceof Error ? error.message : JSON.stringify(error)).split('\n')[0].slice(0, 300);
  writeFileSync(file, JSON.stringify(outcome, null, 2));
}

/** A row with nothing counted, for a scenario without a burst, or one that failed before it counted. */
export function emptyOutcome(scenario: string, notes: string[]): Outcome {
  return {
    scenario,
    accepted: 0,
    delivered: 0,
    lost: 0,
    doubled: 0,
    webhookRepeats: 0,
    recoverySeconds: null,
    untrackedDeadlines: 0,
    escalationsMissed: 0,
    escalationsDoubled: 0,
    notes,
  };
}

/** The row of a scenario that could not get as far as settling (its bus did not start, say). */
export function recordFailure(scenario: string, why: unknown): void {
  const dir = process.env.FAULT_RESULTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const message = why instanceof Error ? why.message : String(why);
  const outcome = emptyOutcome(scenario, [`did not finish: ${message.split('\n')[0].slice(0, 300)}`]);
  writeFileSync(join(dir, `${scenario}.json`), JSON.stringify(outcome, null, 2));
}

/** The assertions every scenario ends with: nothing lost, nothing doubled, every deadline and escalation kept. */
export function expectClean(outcome: Outcome, options: { webhookRepeats?: 'allowed' | 'none' } = {}): void {
  const found = {
    lost: outcome.lost,
    doubled: outcome.doubled,
    untrackedDeadlines: outcome.untrackedDeadlines,
    escalationsMissed: outcome.escalationsMissed,
    escalationsDoubled: outcome.escalationsDoubled,
    ...(options.webhookRepeats === 'none' ? { webhookRepeats: outcome.webhookRepeats } : {}),
  };
  const zeros = Object.fromEntries(Object.keys(found).map((key) => [key, 0]));
  if (JSON.stringify(found) !== JSON.stringify(zeros)) {
    throw new Error(`${outcome.scenario}: ${JSON.stringify(found)}\n${outcome.notes.join('\n')}`);
  }
  expect(outcome.accepted).toBeGreaterThan(0);
}
