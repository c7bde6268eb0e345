import { DEAD_LETTER_QUEUE, deliveryQueueName, inboxQueueName, OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE } from '#contracts';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { beijingToday, judicialReferral } from './support/factories.js';
import { metricValue, type Sample, scrape } from './support/metrics.js';
import { RedisServer } from './support/redis-server.js';
import { describeOnRedisServer, ON_REDIS, QUEUE_BACKEND, REDIS_URL } from './support/queue-mode.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';
import type { ServiceProcess } from './support/service-process.js';

// Metrics, health and logs of the apps as operators and Prometheus see them: GET /metrics and
// /health/* of adapters and the scheduler running as their own processes over real Redis and
// PostgreSQL. The figures must move with the bus: a handoff sent, a message waiting for a receiver
// that is down, a deadline passed on the scheduler's (test) clock. Redis is killed only in the
// private redis-server of the last block.

const RULE = 'procedure-started-after-receipt';
const after = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms);
const samplesOf = async (app: ServiceProcess): Promise<Sample[]> => (await scrape(app.baseUrl)).samples;
const health = async (app: ServiceProcess, path: 'live' | 'ready') => {
  const response = await fetch(`${app.baseUrl}/health/${path}`);
  return { status: response.status, body: (await response.json()) as { status: string; details: Record<string, { status: string }> } };
};

describe('metrics and health of the apps', () => {
  let bus: BusFixture;
  let clock: TestClock;
  let scheduler: SchedulerProcess;
  const procuratorate = () => bus.adapter('procuratorate');
  const civilAffairs = () => bus.adapter('civil-affairs');
  const education = () => bus.adapter('education');

  beforeAll(async () => {
    bus = await startBus('obs', { procuratorate: 'pull', 'civil-affairs': 'webhook', education: 'pull' });
    clock = new TestClock(new Date());
    scheduler = new SchedulerProcess({ databaseUrl: bus.db.url, redisUrl: REDIS_URL, queuePrefix: bus.queuePrefix, clock });
    await scheduler.start();
  });

  afterAll(async () => {
    await scheduler?.stop();
    await bus?.stop();
  });

  it('serves /metrics without an API key: queues, handoffs, deliveries, HTTP, process, each with its app label', async () => {
    const adapter = await scrape(procuratorate().baseUrl);
    expect(adapter.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'bus_queue_depth',
      'bus_queue_oldest_waiting_age_seconds',
      'bus_queue_jobs',
      'bus_handoffs',
      'bus_delivery_attempts_total',
      'http_request_duration_seconds',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(adapter.text).toContain(`# TYPE ${name} `);
    }
    expect(adapter.samples.every((s) => s.labels.app === 'adapter' && s.labels.agency === 'procuratorate')).toBe(true);
    // A pull unit reports its inbox only; a webhook unit its delivery queue too, and its delivery channel at 0.
    const queuesOf = (samples: Sample[]) => [...new Set(samples.filter((s) => s.name === 'bus_queue_depth').map((s) => s.labels.queue))].sort();
    expect(queuesOf(adapter.samples)).toEqual([inboxQueueName('procuratorate')]);
    const webhookUnit = await samplesOf(civilAffairs());
    expect(queuesOf(webhookUnit)).toEqual([deliveryQueueName('civil-affairs'), inboxQueueName('civil-affairs')]);
    expect(webhookUnit.some((s) => s.name === 'bus_delivery_attempts_total' && s.labels.channel === 'unit-webhook' && s.labels.outcome === 'failed')).toBe(true);

    const office = await scrape(scheduler.baseUrl);
    expect(office.text).toContain('# TYPE bus_obligations_overdue gauge');
    expect(office.samples.every((s) => s.labels.app === 'scheduler')).toBe(true);
    const queues = queuesOf(office.samples);
    expect(queues).toHaveLength(13 * 2 + 3);
    expect(queues).toEqual(expect.arrayContaining([inboxQueueName('education'), deliveryQueueName('civil-affairs'), SCHEDULER_QUEUE, OFFICE_ALERTS_QUEUE, DEAD_LETTER_QUEUE]));
    expect(office.samples.filter((s) => s.name === 'bus_obligations_overdue').map((s) => s.labels.agency)).toHaveLength(13);
    expect(metricValue(office.samples, 'bus_metrics_collector_up')).toBe(4); // queues, handoffs, obligations, queue-writes
    // The queue layer takes writes: the refusal gauge is there, at 0.
    expect(office.samples.filter((s) => s.name === 'bus_queue_writes_refused_seconds').map((s) => s.value)).toEqual([0]);
  });

  it('moves handoffs by step when a handoff is sent, and times the request', async () => {
    const before = { procuratorate: metricValue(await samplesOf(procuratorate()), 'bus_handoffs'), all: metricValue(await samplesOf(scheduler), 'bus_handoffs') };
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education']));
    expect(opened.status).toBe(201);

    await eventually(async () => {
      const sender = await samplesOf(procuratorate());
      expect(metricValue(sender, 'bus_handoffs')).toBe(before.procuratorate + 1);
      expect(metricValue(await samplesOf(education()), 'bus_handoffs', { step: 'received' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(await samplesOf(scheduler), 'bus_handoffs')).toBe(before.all + 1);
    });
    const sender = await samplesOf(procuratorate());
    const timed = { method: 'POST', route: '/handoffs/judicial-referrals', status_code: '201' };
    expect(metricValue(sender, 'http_request_duration_seconds_count', timed)).toBeGreaterThanOrEqual(1);
    expect(metricValue(sender, 'http_request_duration_seconds_sum', timed)).toBeGreaterThan(0);
    // Ids never become label values: a handoff's own route is labelled by its pattern.
    await procuratorate().get(`/handoffs/${opened.body.handoffs[0].id}`);
    const read = await samplesOf(procuratorate());
    expect(metricValue(read, 'http_request_duration_seconds_count', { route: '/handoffs/:id', status_code: '200' })).toBeGreaterThanOrEqual(1);
    expect(read.some((s) => s.labels.route?.includes(opened.body.handoffs[0].id))).toBe(false);
  });

  it('shows a message waiting for a receiver that is down, then its delivery and the failed attempt before it', async () => {
    await civilAffairs().kill();
    const inbox = { queue: inboxQueueName('civil-affairs') };
    expect(metricValue(await samplesOf(scheduler), 'bus_queue_depth', inbox)).toBe(0);
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs']));
    expect(opened.status).toBe(201);

    const waiting = await eventually(async () => {
      const samples = await samplesOf(scheduler);
      expect(metricValue(samples, 'bus_queue_depth', inbox)).toBeGreaterThanOrEqual(1);
      expect(metricValue(samples, 'bus_queue_oldest_waiting_age_seconds', inbox)).toBeGreaterThan(0);
      return samples;
    });
    expect(metricValue(waiting, 'bus_queue_jobs', { ...inbox, state: 'prioritized' })).toBeGreaterThanOrEqual(1); // every bus job has a priority
    // The oldest waiting job ages while nobody takes it.
    await eventually(async () => expect(metricValue(await samplesOf(scheduler), 'bus_queue_oldest_waiting_age_seconds', inbox)).toBeGreaterThan(1));

    bus.systems.failNext(1); // civil-affairs' own system refuses the first webhook
    await civilAffairs().start();
    await eventually(async () => {
      const samples = await samplesOf(scheduler);
      expect(metricValue(samples, 'bus_queue_depth', inbox)).toBe(0);
      expect(metricValue(samples, 'bus_queue_oldest_waiting_age_seconds', inbox)).toBe(0);
      const unit = await samplesOf(civilAffairs());
      expect(metricValue(unit, 'bus_delivery_attempts_total', { channel: 'unit-webhook', outcome: 'failed' })).toBeGreaterThanOrEqual(1);
      expect(metricValue(unit, 'bus_delivery_attempts_total', { channel: 'unit-webhook', outcome: 'delivered' })).toBeGreaterThanOrEqual(1);
    });
  });

  it('counts an obligation as overdue once the scheduler’s clock passes its due time', async () => {
    const overdueOfEducation = async () => metricValue(await samplesOf(scheduler), 'bus_obligations_overdue', { agency: 'education' });
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education'], { priorityGroups: [] }));
    const handoffId: string = opened.body.handoffs[0].id;
    const obligation = await eventually(async () => {
      const found = (await scheduler.get(`/obligations?handoffId=${handoffId}`)).body.find((o: { rule: string }) => o.rule === RULE);
      expect(found).toBeDefined();
      return found as { dueAt: string };
    });
    const before = await overdueOfEducation();

    clock.set(after(obligation.dueAt, 60_000));
    const passed = await eventually(async () => {
      const overdue = await overdueOfEducation();
      expect(overdue).toBeGreaterThanOrEqual(before + 1);
      return overdue;
    });

    // Done (late): no longer open, so no longer overdue.
    expect((await education().post(`/handoffs/${handoffId}/procedure-started`, { startedOn: beijingToday() })).status).toBe(201);
    await eventually(async () => expect(await overdueOfEducation()).toBe(passed - 1));
    clock.set(new Date());
    await eventually(async () => expect(await overdueOfEducation()).toBe(before));
  });

  it('is live and ready while PostgreSQL and Redis answer, without an API key', async () => {
    for (const app of [procuratorate(), scheduler]) {
      expect(await health(app, 'live')).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await health(app, 'ready')).toMatchObject({
        status: 200,
        body: { status: 'ok', details: { postgres: { status: 'up' }, [QUEUE_BACKEND === 'redis' ? 'redis' : 'queues']: { status: 'up' } } },
      });
    }
  });

  it('logs JSON lines, each with its app and unit', () => {
    const lines = procuratorate().log.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ app: 'adapter', agency: 'procuratorate' });
    expect(procuratorate().log).not.toContain('林某某'); // the referrals above named a citizen; no log line does
  });
});

describeOnRedisServer('readiness follows Redis and PostgreSQL', () => {
  let redis: RedisServer;
  let bus: BusFixture;
  let scheduler: SchedulerProcess;
  const justice = () => bus.adapter('justice');

  beforeAll(async () => {
    redis = await RedisServer.start();
    bus = await startBus('obs-health', { justice: 'pull' }, { redisUrl: redis.url, extraEnv: { ...ON_REDIS } });
    scheduler = new SchedulerProcess({ databaseUrl: bus.db.url, redisUrl: redis.url, queuePrefix: bus.queuePrefix, clock: new TestClock(new Date()), extraEnv: { ...ON_REDIS } });
    await scheduler.start();
  });

  afterAll(async () => {
    await scheduler?.stop();
    await bus?.stop();
    await redis?.kill();
  });

  it('answers 503 while Redis is down, and 200 again once it is back', async () => {
    for (const app of [justice(), scheduler]) expect((await health(app, 'ready')).status).toBe(200);

    await redis.kill();
    for (const app of [justice(), scheduler]) {
      await eventually(async () => {
        const ready = await health(app, 'ready');
        expect(ready.status).toBe(503);
        expect(ready.body).toMatchObject({ status: 'error', details: { redis: { status: 'down' }, postgres: { status: 'up' } } });
      });
      expect((await health(app, 'live')).status).toBe(200);
      // The scrape still answers; what it could not read is absent, and says so.
      const samples = await samplesOf(app);
      expect(metricValue(samples, 'bus_metrics_collector_up', { collector: 'queues' })).toBe(0);
      expect(samples.some((s) => s.name === 'bus_queue_depth')).toBe(false);
      expect(metricValue(samples, 'bus_metrics_collector_up', { collector: 'handoffs' })).toBe(1);
    }

    await redis.start();
    for (const app of [justice(), scheduler]) await eventually(async () => expect((await health(app, 'ready')).status).toBe(200));
  });

  it('answers 503 when its database is gone', async () => {
    await bus.db.drop();
    await eventually(async () => {
      const ready = await health(justice(), 'ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'error', details: { postgres: { status: 'down' }, redis: { status: 'up' } } });
    });
  });
});
