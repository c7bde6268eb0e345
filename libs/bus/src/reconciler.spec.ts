import { DELIVER_TO_UNIT_SYSTEM, deliveryQueueName, inboxQueueName, MessageType } from '#contracts';
import { InProcessQueueDriver } from './in-process.driver.js';
import { DEFAULT_ALERT_RETRY, DEFAULT_DELIVERY_RETRY, DEFAULT_INBOX_RETRY } from './queue-policy.js';
import { deliverySource, outboxSource } from './reconcile-sources.js';
import { deliveryJobId, Reconciler } from './reconciler.js';

const retry = { inbox: DEFAULT_INBOX_RETRY, scheduler: DEFAULT_INBOX_RETRY, delivery: DEFAULT_DELIVERY_RETRY, alerts: DEFAULT_ALERT_RETRY };
const queue = inboxQueueName('education');
const data = (messageId: string) => ({ messageId, type: MessageType.JudicialReferral, schemaVersion: 1, handoffId: 'h', from: 'procuratorate', to: 'education' }) as const;

/** An outbox in memory: rows published (with their claim count), and what was put back. */
function memoryOutbox(rows: { messageId: string; claims: number }[]) {
  const requeued: string[] = [];
  return {
    requeued,
    unconsumed: async () => rows.map((row) => ({ ...row, queue })),
    requeue: async (ids: readonly string[]) => {
      requeued.push(...ids);
      return ids.length;
    },
  };
}

describe('the reconciler', () => {
  it('leaves a live job alone and requeues a row whose job is gone, finished without consuming it, or never was', async () => {
    const driver = new InProcessQueueDriver(retry);
    await driver.publish({ queue, name: MessageType.JudicialReferral, id: 'waiting', data: data('waiting'), priority: 'normal' });
    // A republished row is looked for under its latest job id.
    await driver.publish({ queue, name: MessageType.JudicialReferral, id: 'again.r2', data: data('again'), priority: 'normal' });
    const outbox = memoryOutbox([
      { messageId: 'waiting', claims: 1 },
      { messageId: 'again', claims: 2 },
      { messageId: 'lost', claims: 1 },
      { messageId: 'old-id', claims: 3 },
    ]);
    let kicks = 0;
    const reconciler = new Reconciler(driver, [outboxSource(outbox, () => kicks++)], { graceMs: 0 });

    const dry = await reconciler.run({ dryRun: true });
    expect(dry[0].orphaned.map((o) => [o.id, o.jobId])).toEqual([['lost', 'lost'], ['old-id', 'old-id.r3']]);
    expect(outbox.requeued).toEqual([]);

    const [report] = await reconciler.run();
    expect(report).toMatchObject({ source: 'outbox', checked: 4, dryRun: false });
    expect(outbox.requeued).toEqual(['lost', 'old-id']);
    expect(kicks).toBe(1);
  });

  it('queues a lost webhook delivery again under a new job id, at its priority (第二十条 ¶2 urgent first)', async () => {
    const driver = new InProcessQueueDriver(retry);
    const deliveries = deliveryQueueName('civil-affairs');
    let publications = 0;
    const source = deliverySource('civil-affairs', {
      undelivered: async () => [{ messageId: 'm1', priority: 'urgent', publications }],
      countRepublication: async () => ++publications,
    }, driver);
    const reconciler = new Reconciler(driver, [source], { graceMs: 0 });

    await reconciler.run();
    expect(driver.jobs(deliveries)).toEqual([
      { queue: deliveries, name: DELIVER_TO_UNIT_SYSTEM, id: 'm1.r1', data: { agency: 'civil-affairs', messageId: 'm1' }, priority: 'urgent' },
    ]);
    // The job is waiting now: a second pass finds nothing to do.
    const [again] = await reconciler.run();
    expect(again.orphaned).toEqual([]);
    // Redis loses it again: a third pass queues it under the next id.
    driver.lose(deliveries);
    await reconciler.run();
    expect(driver.jobs(deliveries).map((job) => job.id)).toEqual(['m1.r2']);
    expect(deliveryJobId('m1', 0)).toBe('m1');
  });
});
