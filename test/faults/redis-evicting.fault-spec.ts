import { Redis } from 'ioredis';
import { publicationJobId } from '#bus';
import { emptyOutcome, expectClean, PULL_UNIT } from './support/fault-bus.js';
import { faultScenario, waitFor } from './support/scenario.js';

// A Redis whose maxmemory-policy evicts keys would drop jobs (lost messages) or locks (doubled
// ones). Every app refuses to start on it, exits, and names the setting in one line.

const name = 'Redis evicting (allkeys-lru)';

faultScenario(name, { start: false, redisConfig: { maxmemory: '64mb', 'maxmemory-policy': 'allkeys-lru' } }, async (bus) => {
  const results: { started: string; code: number | null }[] = [];
  for (const app of bus().apps) {
    const started = await app.start().then(
      () => 'started',
      (error: Error) => error.message,
    );
    results.push({ started, code: started === 'started' ? null : (await app.exited()).code });
  }
  const refused = results.filter((r) => r.started !== 'started' && r.code !== 0 && r.code !== null);
  bus().record(emptyOutcome(name, [`refused at start by ${refused.length} of ${results.length} apps (exit codes ${results.map((r) => r.code).join(', ')})`]));
  for (const result of results) {
    expect(result.started).toMatch(/maxmemory-policy allkeys-lru: set maxmemory-policy noeviction/);
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
  }
});

// The same policy set while the bus runs (CONFIG SET): every app checks it again every few seconds
// and refuses work as at boot — readiness down naming it, workers stopped, publishes refused (the
// outbox keeps what the units hand in), bus_redis_evicting 1, an operations alert to the office.
// A job evicted meanwhile reaches its worker with neither name nor data: it ends as a dead letter
// with what is known (its id and queue) and the reconciler queues its message again from the
// outbox. Once the policy is noeviction again, everything accepted arrives, once.

const atRunTime = 'Redis switched to evicting at run time';
const EVICTED_TYPE = '(unknown: job data gone)'; // UNKNOWN_JOB_TYPE of libs/bus, written out so that a change is seen

faultScenario(atRunTime, {}, async (bus) => {
  const admin = new Redis(bus().redis.url);
  try {
    const readiness = () => Promise.all(bus().apps.map(async (app) => (await fetch(`${app.baseUrl}/health/ready`)).status));
    expect(await readiness()).toEqual(bus().apps.map(() => 200));

    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await waitFor('every app not ready', async () => (await readiness()).every((status) => status === 503), 30_000, 250);
    const report = (await (await fetch(`${bus().adapter(PULL_UNIT).baseUrl}/health/ready`)).json()) as { error: Record<string, { evicting?: string }> };
    const metrics = await (await fetch(`${bus().scheduler.baseUrl}/metrics`)).text();
    await waitFor('the office alerted', async () => (await bus().count(`SELECT count(*) AS n FROM "Alert" WHERE "dedupeKey" LIKE 'ops.redis-evicting.%'`)) > 0, 30_000, 250);

    // Work handed in meanwhile is accepted into the outbox, and nothing moves.
    const load = bus().load();
    await load.run();
    const toPull = load.accepted.filter((h) => h.to === PULL_UNIT);
    const arrivedWhileEvicting = await bus().count(`SELECT count(*) AS n FROM "InboxEntry" WHERE "messageId" = ANY($1::uuid[])`, [load.accepted.map((h) => h.messageId)]);

    // What an eviction leaves: a message published (its outbox row says so), its job's id in the
    // queue's wait list, the job's hash gone.
    const evicted = toPull[0];
    const [row] = await bus().query<{ claims: number; queue: string }>(
      `UPDATE "OutboxEntry" SET "publishedAt" = now(), "claimedUntil" = NULL WHERE "messageId" = $1 RETURNING attempts AS claims, queue`,
      [evicted.messageId],
    );
    const jobId = publicationJobId({ baseJobId: evicted.messageId, claims: row.claims });
    const key = (suffix: string) => `${bus().queuePrefix}:${row.queue}:${suffix}`;
    await admin.del(key(jobId));
    await admin.lpush(key('wait'), jobId);
    await admin.zadd(key('marker'), 0, '0');

    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    bus().faultEnded();
    await waitFor('every app ready again', async () => (await readiness()).every((status) => status === 200), 30_000, 250);
    await waitFor('the evicted job dead-lettered', async () => (await bus().count(`SELECT count(*) AS n FROM "DeadLetter" WHERE "jobId" = $1`, [jobId])) > 0, 60_000, 250);
    const [deadLetter] = await bus().query<{ queue: string; type: string; messageId: string | null; reason: string }>(
      `SELECT queue, type, "messageId", reason FROM "DeadLetter" WHERE "jobId" = $1`,
      [jobId],
    );

    const outcome = await bus().settle(load);
    outcome.notes.push(`readiness 503 on ${bus().apps.length} apps while evicting; ${arrivedWhileEvicting} of ${load.accepted.length} arrived meanwhile; the evicted job dead-lettered as ${deadLetter.type} on ${deadLetter.queue}`);
    bus().record(outcome);

    expect(report.error['queue-writes'].evicting).toMatch(/maxmemory-policy allkeys-lru: set maxmemory-policy noeviction/);
    expect(metrics).toMatch(/^bus_redis_evicting\{[^}]*\} 1$/m);
    expect(arrivedWhileEvicting).toBe(0);
    expect(deadLetter).toMatchObject({ queue: row.queue, type: EVICTED_TYPE, messageId: null });
    expectClean(outcome);
    expect(await bus().count(`SELECT count(*) AS n FROM "InboxEntry" WHERE "messageId" = $1`, [evicted.messageId])).toBe(1);
  } finally {
    admin.disconnect();
  }
});
