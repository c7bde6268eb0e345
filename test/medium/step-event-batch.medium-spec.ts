import { jest } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { ObligationReconciler } from '../../apps/scheduler/src/obligations/obligation-reconciler.service.js';
import { type BusJobData, MessageType } from '#contracts';
import { PermanentMessageError } from '#bus';
import type { OfficeStore } from '#persistence';
import { judicialReferral } from '../support/factories.js';
import { useMediumBus } from './support/medium-bus.js';

/** What one batch of step events cost the scheduler: transactions, and the set-based reads and writes in each. */
interface Counted {
  transactions: number;
  handoffReads: string[][];
  obligationInserts: number;
  fulfilUpdates: number;
}

/**
 * The scheduler's step events, set-based: a batch of events is one transaction with one read of
 * the handoffs and their steps, one insert of their obligations and one update of what their steps
 * fulfilled, whatever the batch's size; an event naming a handoff that does not exist fails alone.
 */
describe('step events reconciled in batches (medium: real PostgreSQL, in-process queues)', () => {
  const bus = useMediumBus('medium_step_event_batch', { units: ['procuratorate', 'civil-affairs'], scheduler: true });

  /** Opens `count` referrals to civil affairs and lets the bus settle; their obligations are then written. */
  async function referrals(count: number): Promise<string[]> {
    const procuratorate = bus().adapter('procuratorate');
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs'], { priorityGroups: [] }));
      const opened = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
      ids.push(opened.handoffs[0].id);
    }
    await bus().settle();
    return ids;
  }

  function stepEvent(handoffId: string): BusJobData {
    return { messageId: crypto.randomUUID(), type: MessageType.JudicialReferral, schemaVersion: 1, handoffId, from: 'procuratorate', to: 'civil-affairs' };
  }

  /** Counts, for the events submitted together by `submit`, the scheduler's transactions and set-based statements. */
  async function counting<T>(submit: (reconciler: ObligationReconciler) => Promise<T>): Promise<{ result: T; counted: Counted }> {
    const scheduler = bus().scheduler();
    const counted: Counted = { transactions: 0, handoffReads: [], obligationInserts: 0, fulfilUpdates: 0 };
    const office = scheduler.office;
    const transaction = office.transaction.bind(office);
    const spy = jest.spyOn(office, 'transaction').mockImplementation(<R>(work: (store: OfficeStore) => Promise<R>) =>
      transaction((store) => {
        counted.transactions += 1;
        const read = store.handoffs.withStepsAll.bind(store.handoffs);
        jest.spyOn(store.handoffs, 'withStepsAll').mockImplementation((ids) => {
          counted.handoffReads.push([...ids]);
          return read(ids);
        });
        const insert = store.obligations.ensure.bind(store.obligations);
        jest.spyOn(store.obligations, 'ensure').mockImplementation((rows) => {
          counted.obligationInserts += 1;
          return insert(rows);
        });
        const fulfil = store.obligations.fulfilAll.bind(store.obligations);
        jest.spyOn(store.obligations, 'fulfilAll').mockImplementation((done) => {
          counted.fulfilUpdates += 1;
          return fulfil(done);
        });
        return work(store);
      }),
    );
    try {
      return { result: await submit(scheduler.app.get(ObligationReconciler)), counted };
    } finally {
      spy.mockRestore();
    }
  }

  async function obligationsOf(handoffIds: readonly string[]): Promise<{ handoffId: string; rule: string; status: string }[]> {
    return bus().db.query(`SELECT "handoffId", rule, status FROM "Obligation" WHERE "handoffId" = ANY($1::uuid[]) ORDER BY "handoffId", rule`, [handoffIds]);
  }

  it('reconciles six events in one transaction: one read of the handoffs, one insert, one update', async () => {
    const handoffIds = await referrals(6);
    const before = await obligationsOf(handoffIds);
    expect(before.length).toBeGreaterThanOrEqual(6);
    // As if the events had not been consumed yet: the batch must write every handoff's obligations again.
    await bus().db.query(`DELETE FROM "Obligation" WHERE "handoffId" = ANY($1::uuid[])`, [handoffIds]);

    const { result, counted } = await counting((reconciler) => Promise.all(handoffIds.map((id) => reconciler.stepRecorded(stepEvent(id)))));

    expect(result).toEqual(handoffIds.map(() => 'processed'));
    expect(counted.transactions).toBe(1);
    expect(counted.handoffReads).toEqual([[...handoffIds].sort()]);
    expect(counted.obligationInserts).toBe(1);
    expect(counted.fulfilUpdates).toBe(1);
    expect(await obligationsOf(handoffIds)).toEqual(before);
  });

  it('an event naming no handoff fails alone: the batch is written again one event per transaction', async () => {
    const handoffIds = await referrals(3);
    const before = await obligationsOf(handoffIds);
    await bus().db.query(`DELETE FROM "Obligation" WHERE "handoffId" = ANY($1::uuid[])`, [handoffIds]);
    const nowhere = crypto.randomUUID();

    const { result, counted } = await counting((reconciler) =>
      Promise.allSettled([...handoffIds, nowhere].map((id) => reconciler.stepRecorded(stepEvent(id)))),
    );

    expect(result.slice(0, 3)).toEqual(handoffIds.map(() => ({ status: 'fulfilled', value: 'processed' })));
    const refused = result[3];
    expect(refused?.status).toBe('rejected');
    expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(PermanentMessageError);
    expect(refused?.status === 'rejected' && String(refused.reason)).toContain(`handoff ${nowhere} is not in the database`);
    // The batch of four, rolled back; then each event in a transaction of its own.
    expect(counted.transactions).toBe(5);
    expect(counted.handoffReads[0]).toEqual([...handoffIds, nowhere].sort());
    expect(counted.handoffReads.slice(1).map((ids) => ids.length)).toEqual([1, 1, 1, 1]);
    expect(await obligationsOf(handoffIds)).toEqual(before);
  });
});
