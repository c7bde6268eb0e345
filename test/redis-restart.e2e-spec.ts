import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { untilIdle } from './support/quiescence.js';
import { judicialReferral } from './support/factories.js';
import { RedisServer } from './support/redis-server.js';
import { inboxQueueName } from '#contracts';
import { describeOnRedisServer, ON_REDIS } from './support/queue-mode.js';

// Redis keeps nothing on disk here: a Redis restart loses every queued job. The sender's outbox
// relay must notice that a published message never reached its recipient's inbox and publish it
// again, and the recipient must still take it exactly once. This file runs its own redis-server,
// so killing it touches no other test.

describeOnRedisServer('a Redis restart loses the queued jobs; the outbox republishes them', () => {
  let redis: RedisServer;
  let bus: BusFixture;
  let connection: Redis;
  let inboxOfEducation: Queue;
  const procuratorate = () => bus.adapter('procuratorate');
  const education = () => bus.adapter('education');

  beforeAll(async () => {
    redis = await RedisServer.start();
    bus = await startBus('redis-restart', { procuratorate: 'webhook', education: 'pull' }, {
      redisUrl: redis.url,
      // The reconciler looks every second at what is older than a second.
      extraEnv: { ...ON_REDIS, RECONCILE_INTERVAL_MS: '1000', RECONCILE_GRACE_MS: '1000', DELIVERY_BACKOFF_MS: '500' },
    });
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined); // refused connections while Redis is down are expected
    inboxOfEducation = new Queue(inboxQueueName('education'), { prefix: bus.queuePrefix, connection });
    inboxOfEducation.on('error', () => undefined);
  });

  afterAll(async () => {
    await inboxOfEducation?.close();
    connection?.disconnect();
    await bus?.stop();
    await redis?.kill();
  });

  it('delivers a referral queued before the restart exactly once, and the sender gets one receipt', async () => {
    // Education is down, so the job waits in Redis.
    await education().kill();
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education']));
    expect(opened.status).toBe(201);
    const [{ id: handoffId, messageId }] = opened.body.handoffs;

    await eventually(async () => {
      expect(await inboxOfEducation.getJob(messageId)).toBeDefined();
      const [outbox] = await bus.db.query(`SELECT "publishedAt" FROM "OutboxEntry" WHERE "messageId" = $1`, [messageId]);
      expect(outbox.publishedAt).not.toBeNull();
    }, 10_000);

    const killedAt = Date.now();
    await redis.restartEmpty();
    // The job is gone: whatever reaches education now was published again by the relay. (The relay
    // may already have republished it by now, so a job added after the kill is allowed.)
    const survivor = await inboxOfEducation.getJob(messageId);
    expect(survivor === undefined || survivor.timestamp >= killedAt).toBe(true);

    await education().start();

    const pulled = await eventually(async () => {
      const inbox = await education().get('/inbox');
      expect(inbox.status).toBe(200);
      expect(inbox.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([messageId]);
      return inbox.body.items[0];
    }, 30_000);
    expect(pulled.message).toMatchObject({ handoffId });

    // The receipt reaches the procuratorate's own system by webhook, through the same restarted Redis.
    await eventually(() => {
      const receipts = bus.systems.for('procuratorate', 'handoff.receipt').filter((hook) => hook.body.handoffId === handoffId);
      expect(receipts).toHaveLength(1);
      expect(receipts[0].signatureValid).toBe(true);
    }, 30_000);

    // Exactly once, in the database too: one inbox row, one `received` step, and the relay saw it
    // arrive (consumedAt), having published it at least twice (before and after the restart).
    const [inbox] = await bus.db.query(`SELECT count(*)::int AS n FROM "InboxEntry" WHERE "messageId" = $1`, [messageId]);
    expect(inbox.n).toBe(1);
    const steps = await bus.db.query(`SELECT step FROM "HandoffStep" WHERE "handoffId" = $1 ORDER BY "occurredAt"`, [handoffId]);
    expect(steps.map((row) => row.step)).toEqual(['sent', 'received']);
    const [outbox] = await bus.db.query<{ attempts: number; consumedAt: Date | null }>(
      `SELECT attempts, "consumedAt" FROM "OutboxEntry" WHERE "messageId" = $1`,
      [messageId],
    );
    expect(outbox.consumedAt).not.toBeNull();
    expect(outbox.attempts).toBeGreaterThanOrEqual(2);
    const handoff = await procuratorate().get(`/handoffs/${handoffId}`);
    expect(handoff.body.currentStep).toBe('received');

    // Redelivery keeps going for a while after a restart; nothing more may arrive later.
    await untilIdle(inboxOfEducation);
    expect((await education().get('/inbox')).body.items).toHaveLength(1);
    expect(bus.systems.for('procuratorate', 'handoff.receipt').filter((hook) => hook.body.handoffId === handoffId)).toHaveLength(1);
  });

  it('delivers a webhook whose retrying job Redis lost, with no process restarted (the reconciler finds it)', async () => {
    // The procuratorate's system is down: the receipt's delivery job waits in Redis, retrying.
    bus.systems.failNext(10_000);
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education']));
    expect(opened.status).toBe(201);
    const [{ id: handoffId }] = opened.body.handoffs;
    const receiptRow = () =>
      bus.db.query<{ messageId: string; deliveryStatus: string; deliveryAttempts: number; deliveryPublications: number; nextDeliveryAt: Date | null }>(
        `SELECT i."messageId", i."deliveryStatus", i."deliveryAttempts", i."deliveryPublications", i."nextDeliveryAt"
         FROM "InboxEntry" i JOIN "Message" m ON m.id = i."messageId" WHERE i.agency = 'procuratorate' AND m."handoffId" = $1`,
        [handoffId],
      );
    const [retrying] = await eventually(async () => {
      const rows = await receiptRow();
      expect(rows).toHaveLength(1);
      // Its state says so: retrying, with the next attempt's time.
      expect(rows[0]).toMatchObject({ deliveryStatus: 'pending' });
      expect(rows[0].deliveryAttempts).toBeGreaterThanOrEqual(1);
      expect(rows[0].nextDeliveryAt).not.toBeNull();
      return rows;
    }, 30_000);

    await redis.restartEmpty();
    bus.systems.failNext(0);

    await eventually(() => {
      const receipts = bus.systems.for('procuratorate', 'handoff.receipt').filter((hook) => hook.body.handoffId === handoffId);
      expect(receipts).toHaveLength(1);
    }, 30_000);
    // The unit's system answered; the adapter stamps the delivery right after.
    const [delivered] = await eventually(async () => {
      const rows = await receiptRow();
      expect(rows[0]).toMatchObject({ messageId: retrying.messageId, deliveryStatus: 'delivered', nextDeliveryAt: null });
      return rows;
    }, 10_000);
    // Queued again by the reconciler under a new job id (<id>.r1), not by a restart.
    expect(delivered.deliveryPublications).toBeGreaterThanOrEqual(1);
  });
});
