import { Redis } from 'ioredis';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { judicialReferral } from './support/factories.js';
import { metricValue, scrape } from './support/metrics.js';
import { describeOnRedisServer, ON_REDIS } from './support/queue-mode.js';
import { RedisServer } from './support/redis-server.js';

// BullMQ needs every key it writes to stay: a Redis that may evict keys under memory pressure loses
// jobs (a lost message) or locks (a doubled one). The apps refuse it at boot, in one line.

describeOnRedisServer('an adapter on a Redis that may evict keys', () => {
  let redis: RedisServer;
  let bus: BusFixture;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const admin = new Redis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    admin.disconnect();
    bus = await startBus('redis-guard', { justice: 'pull' }, { redisUrl: redis.url, extraEnv: { ...ON_REDIS }, start: false });
  });

  afterAll(async () => {
    await bus?.stop();
    await redis?.kill();
  });

  it('refuses to start, naming the setting', async () => {
    await expect(bus.adapter('justice').start()).rejects.toThrow(/maxmemory-policy allkeys-lru: set maxmemory-policy noeviction/);
  });
});

// "refuse rather than pretend": a Redis at its memory limit with noeviction refuses every
// write while it still answers PING. Accepted referrals wait in the outbox (PostgreSQL), readiness
// turns 503 once the refusal outlasts QUEUE_REFUSAL_ALERT_MS, the metrics show it, and everything
// goes out once the limit is lifted.
describeOnRedisServer('an adapter on a Redis at its memory limit (noeviction)', () => {
  let redis: RedisServer;
  let admin: Redis;
  let bus: BusFixture;
  const procuratorate = () => bus.adapter('procuratorate');

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
    bus = await startBus('redis-full', { procuratorate: 'pull', education: 'pull' }, { redisUrl: redis.url, extraEnv: { ...ON_REDIS, QUEUE_REFUSAL_ALERT_MS: '1000' } });
  });

  afterAll(async () => {
    admin?.disconnect();
    await bus?.stop();
    await redis?.kill();
  });

  it('keeps accepting into the outbox, says so in health and metrics, and delivers once the limit is lifted', async () => {
    await admin.config('SET', 'maxmemory', '1');
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education']));
    expect(opened.status).toBe(201);
    const [{ messageId }] = opened.body.handoffs;

    const report = await eventually(async () => {
      const ready = await fetch(`${procuratorate().baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      return (await ready.json()) as { error: Record<string, { status: string; lastError?: string }> };
    }, 30_000);
    expect(report.error['queue-writes']).toMatchObject({ status: 'down' });
    expect(report.error['queue-writes'].lastError).toMatch(/OOM/);
    const { samples } = await scrape(procuratorate().baseUrl);
    expect(metricValue(samples, 'bus_queue_writes_refused_seconds')).toBeGreaterThan(0);
    expect(metricValue(samples, 'bus_queue_write_failures')).toBeGreaterThan(0);
    const [row] = await bus.db.query<{ publishedAt: Date | null }>(`SELECT "publishedAt" FROM "OutboxEntry" WHERE "messageId" = $1`, [messageId]);
    expect(row.publishedAt).toBeNull();

    await admin.config('SET', 'maxmemory', '0');
    await eventually(async () => {
      const inbox = await bus.adapter('education').get('/inbox');
      expect(inbox.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([messageId]);
    }, 30_000);
    await eventually(async () => expect((await fetch(`${procuratorate().baseUrl}/health/ready`)).status).toBe(200), 30_000);
  });
});
