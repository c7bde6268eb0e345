import type { Queue } from 'bullmq';
import { inboxQueueName } from '#contracts';
import { openQueue } from './support/queue-mode.js';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { judicialReferral } from './support/factories.js';

// A receiving adapter killed with SIGKILL (no shutdown hook) loses nothing and doubles nothing:
// the job waits in its queue (Redis or PostgreSQL) while the adapter is down, a job it was processing when it died is
// taken up again once its lock expires, and the inbox key in PostgreSQL absorbs the redelivery.

describe('a receiving adapter killed between enqueue and delivery', () => {
  let bus: BusFixture;
  let inbox: Queue;
  let closeInbox: () => Promise<void>;

  beforeAll(async () => {
    // WORKER_LOCK_MS: a dead worker's job is retaken after ~1 s instead of BullMQ's default 30 s.
    bus = await startBus('crash', { procuratorate: 'webhook', education: 'pull' }, { extraEnv: { WORKER_LOCK_MS: '1000' } });
    ({ queue: inbox, close: closeInbox } = openQueue(inboxQueueName('education'), bus.queuePrefix, bus.db.url));
  });

  afterAll(async () => {
    await closeInbox?.();
    await bus?.stop();
  });

  const education = () => bus.adapter('education');
  const procuratorate = () => bus.adapter('procuratorate');

  async function countWhere(sql: string, params: unknown[]): Promise<number> {
    const [row] = await bus.db.query<{ count: string }>(sql, params);
    return Number(row.count);
  }

  it('delivers a message queued while the receiver was dead exactly once after restart', async () => {
    await education().kill();
    const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education']));
    expect(opened.status).toBe(201);
    const [{ id: handoffId, messageId }] = opened.body.handoffs;

    // Enqueued: the job sits in education's inbox queue (green channel → BullMQ 'prioritized').
    await eventually(async () => expect((await inbox.getJob(messageId))?.id).toBe(messageId));
    expect(await countWhere(`SELECT count(*) FROM "InboxEntry" WHERE "messageId" = $1`, [messageId])).toBe(0);

    await education().start();
    const items = await eventually(async () => {
      const listed = (await education().get('/inbox')).body.items.filter((item: { messageId: string }) => item.messageId === messageId);
      expect(listed).toHaveLength(1);
      return listed;
    });
    expect(items[0].message.handoffId).toBe(handoffId);
    expect(await countWhere(`SELECT count(*) FROM "InboxEntry" WHERE "messageId" = $1`, [messageId])).toBe(1);
    expect(await countWhere(`SELECT count(*) FROM "HandoffStep" WHERE "handoffId" = $1 AND step = 'received'`, [handoffId])).toBe(1);
    await eventually(() => expect(bus.systems.for('procuratorate', 'handoff.receipt').filter((h) => h.body.handoffId === handoffId)).toHaveLength(1));
  });

  it('kills the receiver in the middle of a burst and still records each of 40 messages exactly once', async () => {
    const burst = 40;
    const handoffIds: string[] = [];
    const received = () =>
      countWhere(`SELECT count(*) FROM "InboxEntry" WHERE agency = 'education' AND "handoffId" = ANY($1::uuid[])`, [handoffIds]);
    await education().kill();
    for (let i = 0; i < burst; i++) {
      const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education'], { priorityGroups: [] }));
      handoffIds.push(opened.body.handoffs[0].id);
    }
    await eventually(async () => expect(await inbox.count()).toBeGreaterThanOrEqual(burst));
    // Start the receiver on a full queue and kill it as soon as it has taken some but not all:
    // the jobs it was processing die with it.
    await education().start();
    await eventually(async () => expect(await received()).toBeGreaterThan(0), 20_000, 5);
    await education().kill();
    expect(await received()).toBeLessThan(burst);

    await education().start();
    await eventually(async () => expect(await received()).toBe(burst), 30_000);
    // Exactly once, everywhere it could double: inbox rows, received steps, receipts back to the sender.
    const perHandoff = await bus.db.query<{ handoffId: string; inbox: string; received: string; receipts: string }>(
      `SELECT h.id AS "handoffId",
              (SELECT count(*) FROM "InboxEntry" i WHERE i."handoffId" = h.id AND i.agency = 'education') AS inbox,
              (SELECT count(*) FROM "HandoffStep" s WHERE s."handoffId" = h.id AND s.step = 'received') AS received,
              (SELECT count(*) FROM "Message" m WHERE m."handoffId" = h.id AND m.type = 'handoff.receipt') AS receipts
       FROM "Handoff" h WHERE h.id = ANY($1::uuid[])`,
      [handoffIds],
    );
    expect(perHandoff).toHaveLength(burst);
    for (const row of perHandoff) expect([row.inbox, row.received, row.receipts].map(Number)).toEqual([1, 1, 1]);
    const listed = (await education().get('/inbox?limit=200')).body.items.filter((item: { message: { handoffId: string } }) =>
      handoffIds.includes(item.message.handoffId),
    );
    expect(listed).toHaveLength(burst);
    await eventually(() => {
      const receipts = bus.systems.for('procuratorate', 'handoff.receipt').filter((h) => handoffIds.includes(h.body.handoffId as string));
      expect(new Set(receipts.map((h) => h.body.handoffId)).size).toBe(burst);
    }, 30_000);
  });
});
