import type { Queue } from 'bullmq';
import { projectPayload } from '#units';
import { DEAD_LETTER_QUEUE, deliveryQueueName, inboxQueueName } from '#contracts';
import { openQueue } from './support/queue-mode.js';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { untilIdle } from './support/quiescence.js';
import { advanceReferral, judicialReferral } from './support/factories.js';
import { signedBy } from './support/security-env.js';

// What happens when a delivery cannot be made: a unit's system that is briefly down, one that is
// down for good, and a message no retry can fix. The procuratorate pulls in these fixtures, so
// every webhook POST the stand-ins see (and every 503 of failNext) is civil-affairs' own.


interface InboxRow {
  deliveryStatus: string;
  deliveryAttempts: number;
  lastDeliveryError: string | null;
  nextDeliveryAt: Date | null;
}

interface DeadLetterRow {
  agency: string;
  queue: string;
  jobId: string;
  type: string;
  reason: string;
  attempts: number;
  data: unknown;
}

async function inboxRow(bus: BusFixture, agency: string, messageId: string): Promise<InboxRow | undefined> {
  const [row] = await bus.db.query<InboxRow>(
    `SELECT "deliveryStatus", "deliveryAttempts", "lastDeliveryError", "nextDeliveryAt" FROM "InboxEntry" WHERE agency = $1 AND "messageId" = $2`,
    [agency, messageId],
  );
  return row;
}

function deadLetters(bus: BusFixture, messageId: string): Promise<DeadLetterRow[]> {
  return bus.db.query<DeadLetterRow>(
    `SELECT agency, queue, "jobId", type, reason, attempts, data FROM "DeadLetter" WHERE "messageId" = $1`,
    [messageId],
  );
}

/** Jobs on the BullMQ dead-letter queue about one message (nothing consumes that queue). */
async function deadLetterJobs(queue: Queue, messageId: string) {
  const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']);
  return jobs.filter((job) => job.data.messageId === messageId);
}


describe('a unit system that is briefly down, or a message that cannot be taken', () => {
  let bus: BusFixture;
  let deliveryQueue: { queue: Queue; close: () => Promise<void> };
  const deliveries = () => deliveryQueue.queue;
  const procuratorate = () => bus.adapter('procuratorate');
  const civilAffairs = () => bus.adapter('civil-affairs');
  const education = () => bus.adapter('education');

  beforeAll(async () => {
    bus = await startBus('delivery-retry', { procuratorate: 'pull', 'civil-affairs': 'webhook', education: 'pull' }, {
      extraEnv: { DELIVERY_BACKOFF_MS: '100' },
    });
    deliveryQueue = openQueue(deliveryQueueName('civil-affairs'), bus.queuePrefix, bus.db.url);
  });

  afterAll(async () => {
    await deliveryQueue?.close();
    await bus?.stop();
  });

  it('retries a webhook answered 503 three times and delivers it once on the fourth attempt', async () => {
    bus.systems.failNext(3);
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs']));
    expect(opened.status).toBe(201);
    const [{ id: handoffId, messageId }] = opened.body.handoffs;

    await eventually(async () => {
      expect(await inboxRow(bus, 'civil-affairs', messageId)).toMatchObject({ deliveryStatus: 'delivered', deliveryAttempts: 4, lastDeliveryError: null });
    });
    // Count once the delivery queue has nothing left that could run: no stray attempt can follow.
    await untilIdle(deliveries());
    const hooks = bus.systems.for('civil-affairs');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ messageId, type: 'handoff.judicial-referral', signatureValid: true });
    expect(hooks[0].body.yjid).toBe(handoffId);
    expect(await inboxRow(bus, 'civil-affairs', messageId)).toMatchObject({ deliveryStatus: 'delivered', deliveryAttempts: 4 });
    expect(await deadLetters(bus, messageId)).toEqual([]);
    // Delivered by webhook counts as taken: the pull fallback no longer lists it.
    expect((await civilAffairs().get('/inbox')).body.items).toEqual([]);
  });

  it('dead-letters a message whose payload fails its schema at once, and records no receipt', async () => {
    // Written around the API, which would refuse it: an advance referral must give a reason (第十九条 ¶2).
    const { reason: _omitted, ...payload } = advanceReferral(['education']);
    const handoffId = crypto.randomUUID();
    const messageId = crypto.randomUUID();
    const requestId = crypto.randomUUID();
    const now = new Date();
    const { caseRef, recipients: _recipients, ...details } = payload;
    // As the sender writes it: the handoff row whole, the message education's projection (第二十四条), so the missing reason is its one fault.
    const received = projectPayload('education', 'advance-referral', details);
    await bus.db.query(
      `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "openedAt", "updatedAt")
       VALUES ($1, 'advance-referral', 'procuratorate', 'education', $2, 'sent', 'normal', $3, $4, $5, $5)`,
      [handoffId, caseRef, requestId, JSON.stringify(details), now],
    );
    await bus.db.query(
      `INSERT INTO "HandoffStep" (id, "handoffId", step, "actorAgency", "messageId", "occurredAt", details)
       VALUES ($1, $2, 'sent', 'procuratorate', $3, $4, '{}')`,
      [crypto.randomUUID(), handoffId, messageId, now],
    );
    await bus.db.query(
      `INSERT INTO "Message" (id, type, "schemaVersion", "fromAgency", "toAgency", "handoffId", "caseRef", "correlationId", "causationId", "occurredAt", priority, payload, signature)
       VALUES ($1, 'handoff.advance-referral', 1, 'procuratorate', 'education', $2, $3, $4, NULL, $5, 'normal', $6, $7)`,
      [messageId, handoffId, caseRef, requestId, now, JSON.stringify(received), signedBy('procuratorate', {
        id: messageId, type: 'handoff.advance-referral', schemaVersion: 1, from: 'procuratorate', to: 'education', handoffId, caseRef,
        correlationId: requestId, causationId: null, occurredAt: now.toISOString(), priority: 'normal', payload: received,
      })],
    );

    const { queue: inbox, close: closeInbox } = openQueue(inboxQueueName('education'), bus.queuePrefix, bus.db.url);
    try {
      await inbox.add(
        'handoff.advance-referral',
        { messageId, type: 'handoff.advance-referral', schemaVersion: 1, handoffId, from: 'procuratorate', to: 'education' },
        { jobId: messageId, attempts: 8 },
      );

      // One attempt, not eight: retrying cannot make the payload valid.
      const [dead] = await eventually(async () => {
        const rows = await deadLetters(bus, messageId);
        expect(rows).toHaveLength(1);
        return rows;
      }, 15_000);
      expect(dead).toMatchObject({ agency: 'education', queue: inboxQueueName('education'), jobId: messageId, type: 'handoff.advance-referral', attempts: 1 });
      expect(dead.reason).toMatch(/^PermanentMessageError: /);
      expect(dead.reason).toContain('reason');

      // The dead letter is recorded before BullMQ marks the job failed: wait for that state, then read it.
      await eventually(async () => {
        const job = await inbox.getJob(messageId);
        expect(await job?.getState()).toBe('failed');
        expect(job?.attemptsMade).toBe(1);
      }, 10_000);
    } finally {
      await closeInbox();
    }

    const { queue: deadLetterQueue, close: closeDeadLetters } = openQueue(DEAD_LETTER_QUEUE, bus.queuePrefix, bus.db.url);
    try {
      const jobs = await deadLetterJobs(deadLetterQueue, messageId);
      expect(jobs).toHaveLength(1);
      expect(jobs[0].data.deadLetter).toMatchObject({ queue: inboxQueueName('education'), attempts: 1 });
    } finally {
      await closeDeadLetters();
    }

    // The inbox transaction rolled back: no inbox row, nothing to pull, no receipt step.
    const [count] = await bus.db.query(`SELECT count(*)::int AS n FROM "InboxEntry" WHERE "messageId" = $1`, [messageId]);
    expect(count.n).toBe(0);
    expect((await education().get('/inbox')).body.items).toEqual([]);
    const steps = await bus.db.query(`SELECT step FROM "HandoffStep" WHERE "handoffId" = $1`, [handoffId]);
    expect(steps.map((row) => row.step)).toEqual(['sent']);
    expect((await bus.db.query(`SELECT 1 FROM "Message" WHERE "causationId" = $1`, [messageId]))).toHaveLength(0);
  });
});

describe('a unit system that is down for every attempt', () => {
  let bus: BusFixture;
  let deliveryQueue: { queue: Queue; close: () => Promise<void> };
  const deliveries = () => deliveryQueue.queue;
  const procuratorate = () => bus.adapter('procuratorate');
  const civilAffairs = () => bus.adapter('civil-affairs');

  beforeAll(async () => {
    bus = await startBus('delivery-down', { procuratorate: 'pull', 'civil-affairs': 'webhook' }, {
      // Retries bounded by time: a 2-second window, backoff 100 ms doubling up to 400 ms.
      extraEnv: { DELIVERY_RETRY_WINDOW_SECONDS: '2', DELIVERY_BACKOFF_MS: '100', RETRY_MAX_BACKOFF_MS: '400' },
    });
    deliveryQueue = openQueue(deliveryQueueName('civil-affairs'), bus.queuePrefix, bus.db.url);
  });

  afterAll(async () => {
    await deliveryQueue?.close();
    await bus?.stop();
  });

  it('marks the delivery failed once its retry window ran out, dead-letters it, and keeps it for pull', async () => {
    bus.systems.failNext(1_000);
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs']));
    expect(opened.status).toBe(201);
    const [{ id: handoffId, messageId }] = opened.body.handoffs;

    await eventually(async () => {
      expect(await inboxRow(bus, 'civil-affairs', messageId)).toMatchObject({ deliveryStatus: 'failed' });
    });
    // No attempt after the window: once the job failed for good the queue is idle, and the count stays.
    await untilIdle(deliveries());
    const row = await inboxRow(bus, 'civil-affairs', messageId);
    expect(row).toMatchObject({ deliveryStatus: 'failed', lastDeliveryError: 'HTTP 503', nextDeliveryAt: null });
    // 100 + 200 + 400 + 400 … ms of backoff inside a 2 s window: several attempts, not one.
    const attempts = row?.deliveryAttempts ?? 0;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(bus.systems.for('civil-affairs')).toHaveLength(0);

    const dead = await deadLetters(bus, messageId);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ agency: 'civil-affairs', queue: deliveryQueueName('civil-affairs'), jobId: messageId, type: 'unit-system.deliver', attempts });
    expect(dead[0].data).toEqual({ agency: 'civil-affairs', messageId });
    expect(dead[0].reason).toContain('HTTP 503');

    const { queue: deadLetterQueue, close: closeDeadLetters } = openQueue(DEAD_LETTER_QUEUE, bus.queuePrefix, bus.db.url);
    try {
      const jobs = await deadLetterJobs(deadLetterQueue, messageId);
      expect(jobs).toHaveLength(1);
      expect(jobs[0].name).toBe('unit-system.deliver');
      expect(jobs[0].data.deadLetter).toMatchObject({ queue: deliveryQueueName('civil-affairs'), attempts });
    } finally {
      await closeDeadLetters();
    }

    // Pull is the fallback: the unit's system can still fetch what the webhook could not bring.
    const pulled = await civilAffairs().get('/inbox');
    expect(pulled.status).toBe(200);
    expect(pulled.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([messageId]);
    expect(pulled.body.items[0].message).toMatchObject({ yjid: handoffId });
    // The referral itself reached civil-affairs: only the last leg failed.
    expect((await civilAffairs().get(`/handoffs/${handoffId}`)).body.currentStep).toBe('received');
    bus.systems.failNext(0);
  });
});
