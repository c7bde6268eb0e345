import { inboxQueueName, MessageType, SCHEDULER_QUEUE } from '#contracts';
import { MissingHandlerError, QUEUE_DRIVER, type QueueDriver, QueueTransport } from '#bus';
import { StepOutOfOrderError } from '#handoffs';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { InboxConsumerService } from '../../apps/adapter/src/consumer/inbox-consumer.service.js';
import { judicialReferral } from '../support/factories.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, mediumAdapter, settle } from './support/medium-adapter.js';
import { plainToInstance } from 'class-transformer';

/**
 * The adapter's application services against a real PostgreSQL database, with the in-process
 * queue driver and a manual clock: the four-step chain of 第十九条–第二十一条 between two units.
 */
describe('handoff services (medium: real PostgreSQL, in-process queues, manual clock)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;

  beforeAll(async () => {
    bus = await startMediumBus('medium_lifecycle', { units: ['procuratorate', 'civil-affairs'], driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs] = bus.adapters;
  });

  afterAll(async () => {
    await bus?.close();
  });

  it('opens, receives, starts, concludes and feeds back, each step once, with a step event per step', async () => {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs']));
    const opened = await procuratorate.unitOfWork.run(() =>
      procuratorate.opening.open('judicial-referral', request),
    );
    const [{ id: handoffId }] = opened.handoffs as { id: string }[];
    await settle(driver, [procuratorate, civilAffairs]);
    expect((await civilAffairs.agency.store.handoffs.findVisible(handoffId)).currentStep).toBe('received');

    clock.set(new Date('2026-11-24T02:00:00Z'));
    const report = (step: 'procedure-started' | 'concluded' | 'feedback-given', payload: object) =>
      civilAffairs.unitOfWork.run(() =>
        civilAffairs.lifecycle.report(handoffId, step, payload),
      );
    await expect(report('feedback-given', { summary: '已纳入临时救助' })).rejects.toBeInstanceOf(StepOutOfOrderError);
    await report('procedure-started', { startedOn: '2026-11-24' });
    await report('concluded', { concludedOn: '2026-11-24', outcome: 'assisted' });
    await report('feedback-given', { summary: '已纳入临时救助' });
    await settle(driver, [procuratorate, civilAffairs]);

    const seen = await procuratorate.agency.store.handoffs.findVisible(handoffId);
    expect(seen.steps.map((s) => s.step)).toEqual(['sent', 'received', 'procedure-started', 'concluded', 'feedback-given', 'feedback-received']);
    expect(seen.currentStep).toBe('feedback-received');
    // Every step told the scheduler once (its queue is not consumed here, so the events wait in it).
    const events = driver.jobs(SCHEDULER_QUEUE).filter((job) => job.data && 'handoffId' in job.data && job.data.handoffId === handoffId);
    expect(events).toHaveLength(6);
    expect(events.every((job) => job.name === MessageType.StepRecorded)).toBe(true);
    // The receiver's inbox took each message once.
    const [inbox] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "InboxEntry" WHERE "handoffId" = $1`, [handoffId]);
    expect(inbox.n).toBe(5); // referral at civil-affairs; receipt, started, concluded, feedback at the procuratorate
    expect(driver.deadLetters).toEqual([]);
  });

  it('takes a redelivered message once: the inbox key absorbs the double', async () => {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs']));
    const opened = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
    const [{ id: handoffId, messageId }] = opened.handoffs as { id: string; messageId: string }[];
    await settle(driver, [procuratorate, civilAffairs]);
    const consumer = civilAffairs.app.get(InboxConsumerService);
    const job = { messageId, type: MessageType.JudicialReferral, schemaVersion: 1, handoffId, from: 'procuratorate', to: 'civil-affairs' } as const;
    expect(await consumer.consume(job)).toBe('duplicate');
    const steps = await db.query<{ step: string }>(`SELECT step FROM "HandoffStep" WHERE "handoffId" = $1 ORDER BY "occurredAt", step`, [handoffId]);
    expect(steps.map((s) => s.step).sort()).toEqual(['received', 'sent']);
  });

  it('refuses to start consuming a queue whose job names it has no handler for', async () => {
    const incomplete = await mediumAdapter('education', {
      databaseUrl: db.url,
      driver: inProcessDriver(),
      clock,
      override: (builder) => {
        // The adapter's handlers are its inbox's and its deliveries'; step events are the scheduler's.
        builder.overrideProvider(QueueTransport).useFactory({
          inject: [QUEUE_DRIVER],
          factory: (queues: QueueDriver) => new QueueTransport(queues, [{ queue: inboxQueueName('education'), kind: 'inbox' }, { queue: SCHEDULER_QUEUE, kind: 'scheduler' }], { onDeadLetter: async () => undefined }),
        });
      },
    }).catch((error: unknown) => error);
    expect(incomplete).toBeInstanceOf(MissingHandlerError);
    expect((incomplete as MissingHandlerError).missing).toEqual([MessageType.StepRecorded]);
    expect((incomplete as Error).message).toContain(MessageType.StepRecorded);
  });
});
